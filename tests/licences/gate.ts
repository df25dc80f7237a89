/** The licence gate's verdict over components, with the reviewed exceptions applied. */
import type { Component } from "./scan.ts";
import { ALLOWED, DEBIAN_ALLOWED, DEBIAN_DATA, verdictOf } from "./spdx.ts";

export type LicenceException = {
  ecosystem: Component["ecosystem"];
  name: string;
  /** Exact version reviewed, or omitted for every version. */
  version?: string;
  /** The licence the review found (an SPDX expression); it must itself be allowed. */
  licence: string;
  reason: string;
};

export type Failure = { component: Component; problem: string };

const key = (c: { ecosystem: string; name: string }) => `${c.ecosystem}:${c.name}`;
/** The licences a component may carry: by ecosystem, and for the Debian data packages named in DEBIAN_DATA, theirs too. */
function allowedFor(c: Pick<Component, "ecosystem" | "name">): Set<string> {
  if (c.ecosystem !== "debian") return ALLOWED;
  const data = DEBIAN_DATA.filter((d) => d.name.test(c.name)).flatMap((d) => d.licences);
  return data.length ? new Set([...DEBIAN_ALLOWED, ...data]) : DEBIAN_ALLOWED;
}

/**
 * Every component must carry an allowed licence. An exception names what a review found where
 * the declared or recognised licence is missing or wrong; a forbidden licence fails whatever an
 * exception says, and so does an exception naming a licence that is not allowed.
 */
export function checkLicences(components: Component[], exceptions: LicenceException[]): Failure[] {
  const byKey = new Map<string, LicenceException[]>();
  for (const e of exceptions) byKey.set(key(e), [...(byKey.get(key(e)) ?? []), e]);
  const failures: Failure[] = [];
  for (const component of components) {
    const label = `${component.name}@${component.version} (${component.ecosystem}, ${component.via})`;
    const allowed = allowedFor(component);
    const verdict = verdictOf(component.licence, allowed);
    if (verdict === "allowed") continue;
    if (verdict === "forbidden") {
      failures.push({ component, problem: `${label}: forbidden licence ${component.licence}` });
      continue;
    }
    const reviewed = byKey.get(key(component))?.find((e) => e.version === undefined || e.version === component.version);
    if (!reviewed) {
      failures.push({ component, problem: `${label}: licence ${component.licence ?? "not found"} is not on the allow-list and has no reviewed exception` });
    } else if (verdictOf(reviewed.licence, allowed) === "forbidden") {
      failures.push({ component, problem: `${label}: forbidden licence ${reviewed.licence} (reviewed: ${reviewed.reason})` });
    } else if (verdictOf(reviewed.licence, allowed) !== "allowed") {
      failures.push({ component, problem: `${label}: the exception's licence ${reviewed.licence} is not allowed` });
    }
  }
  return failures;
}

/** Exceptions that match no component any more: stale reviews to delete. */
export function unusedExceptions(components: Component[], exceptions: LicenceException[]): LicenceException[] {
  return exceptions.filter(
    (e) =>
      !components.some((c) => key(c) === key(e) && (e.version === undefined || e.version === c.version) && verdictOf(c.licence, allowedFor(c)) !== "allowed"),
  );
}
