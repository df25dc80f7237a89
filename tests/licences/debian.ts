/**
 * The Debian packages scripts/toolchain.sh installs (APT_PACKAGES, the base list and the test
 * tools' additions) with the licence each one's /usr/share/doc/<pkg>/copyright states: in a
 * machine-readable (DEP-5) file, the `License:` of the `Files: *` paragraph, the licence of the
 * package as a whole (other paragraphs cover single files, often build scripts or parts Debian's
 * build leaves out). A file that is not machine-readable has no licence here unless its text
 * names a forbidden one; tests/licences/exceptions.json then holds the review.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Component } from "./scan.ts";
import { expressionOfTexts, verdictOf } from "./spdx.ts";

/** Every name in `APT_PACKAGES=(...)` and `APT_PACKAGES+=(...)` of the toolchain script. */
export function aptPackageNames(toolchainScript: string): string[] {
  const text = readFileSync(toolchainScript, "utf8");
  const names = [...text.matchAll(/\bAPT_PACKAGES\+?=\(([^)]*)\)/g)].flatMap((m) => m[1]!.trim().split(/\s+/).filter(Boolean));
  return [...new Set(names)];
}

const DEP5_FORMAT = /^Format:\s*https?:\/\/www\.debian\.org\/doc\/packaging-manuals\/copyright-format\/1\.0\/?\s*$/m;

/** A DEP-5 file's paragraphs as field maps (continuation lines joined with newlines). */
function paragraphs(text: string): Map<string, string>[] {
  return text.split(/\n[ \t]*\n/).map((block) => {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of block.split("\n")) {
      if (/^\s/.test(line) && last) fields.set(last, `${fields.get(last)}\n${line.trim()}`);
      else if (/^[\w-]+:/.test(line)) {
        const i = line.indexOf(":");
        last = line.slice(0, i).toLowerCase();
        fields.set(last, line.slice(i + 1).trim());
      }
    }
    return fields;
  });
}

/**
 * The `License:` short name of the `Files: *` paragraph (first line only: the rest is the text),
 * or undefined when the file is not DEP-5 or has no such paragraph.
 */
export function dep5WholePackageLicence(text: string): string | undefined {
  if (!DEP5_FORMAT.test(text.split(/\n[ \t]*\n/)[0] ?? "")) return undefined;
  const whole = paragraphs(text).find((p) => p.get("files")?.split(/\s+/).includes("*"));
  return whole?.get("license")?.split("\n")[0]?.trim() || undefined;
}

// Debian's short names (copyright-format 1.0, and spellings seen in the archive) as SPDX ids.
const DEBIAN_NAMES: Record<string, string> = {
  expat: "MIT",
  mit: "MIT",
  "mit/x11": "MIT",
  "bsd-2": "BSD-2-Clause",
  "bsd-2-clause": "BSD-2-Clause",
  "bsd-3": "BSD-3-Clause",
  "bsd-3-clause": "BSD-3-Clause",
  isc: "ISC",
  zlib: "Zlib",
  "apache-2.0": "Apache-2.0",
  "mpl-2.0": "MPL-2.0",
  "cc0-1.0": "CC0-1.0",
  "cc-by-sa-3.0": "CC-BY-SA-3.0",
  "cc-by-3.0": "CC-BY-3.0",
  "public-domain": "LicenseRef-public-domain",
  "lgpl-2": "LGPL-2.0-only",
  "lgpl-2+": "LGPL-2.0-or-later",
  "lgpl-2.0": "LGPL-2.0-only",
  "lgpl-2.0+": "LGPL-2.0-or-later",
  "lgpl-2.1": "LGPL-2.1-only",
  "lgpl-2.1+": "LGPL-2.1-or-later",
  "lgpl-3": "LGPL-3.0-only",
  "lgpl-3+": "LGPL-3.0-or-later",
  "gpl-2": "GPL-2.0-only",
  "gpl-2+": "GPL-2.0-or-later",
  "gpl-2.0": "GPL-2.0-only",
  "gpl-2.0+": "GPL-2.0-or-later",
  "gpl-3": "GPL-3.0-only",
  "gpl-3+": "GPL-3.0-or-later",
  "gpl-3.0": "GPL-3.0-only",
  "gpl-3.0+": "GPL-3.0-or-later",
  "agpl-3": "AGPL-3.0-only",
  "agpl-3+": "AGPL-3.0-or-later",
  "agpl-3.0": "AGPL-3.0-only",
  "agpl-3.0+": "AGPL-3.0-or-later",
  "sspl-1.0": "SSPL-1.0",
  // Reviewed package-specific names. sctk's: NIST's work, "not subject to copyright protection and
  // is in the public domain" (title 17 section 105 of the US Code), as its copyright file quotes.
  "public-domain-sctk": "LicenseRef-public-domain",
};

/**
 * A DEP-5 licence expression (`GPL-2+ or LGPL-2.1+`, `LGPL-2.1+ and Expat`, `GPL-2+ with
 * Autoconf exception`) as SPDX. A name Debian's list and this table do not know becomes
 * `LicenseRef-debian-<name>`, which no policy allows: it needs a review.
 */
export function debianToSpdx(expression: string): string {
  const out: string[] = [];
  const words = expression.replace(/,/g, " ").trim().split(/\s+/);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const lower = w.toLowerCase();
    if (lower === "or" || lower === "and") out.push(lower.toUpperCase());
    else if (lower === "with") {
      // `with <name> exception`: keep the licence it qualifies, as an SPDX exception would.
      let j = i + 1;
      while (j < words.length && words[j]!.toLowerCase() !== "exception") j++;
      out.push("WITH", `LicenseRef-debian-${words.slice(i + 1, j).join("-")}-exception`);
      i = j;
    } else out.push(DEBIAN_NAMES[lower] ?? `LicenseRef-debian-${w}`);
  }
  return out.length > 1 ? `(${out.join(" ")})` : (out[0] ?? "");
}

/** The licence a copyright file gives the whole package, as SPDX, or undefined (then a review decides). */
export function copyrightLicence(text: string): string | undefined {
  const dep5 = dep5WholePackageLicence(text);
  if (dep5) return debianToSpdx(dep5);
  // Free text: recognised only to fail on, never to allow (a notice can cover one file).
  const recognised = expressionOfTexts([text]);
  return recognised && verdictOf(recognised) === "forbidden" ? recognised : undefined;
}

/** Installed versions from dpkg; a package that is not installed is missing from the map. */
function installedVersions(names: string[]): Map<string, string> {
  let out = "";
  try {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
    out = execFileSync("dpkg-query", ["-W", "-f=${Package}\t${Version}\t${db:Status-Status}\n", ...names], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch (err) {
    // Exit 1 when some name is unknown; stdout still lists the others.
    out = ((err as { stdout?: string }).stdout ?? "").toString();
  }
  const versions = new Map<string, string>();
  for (const line of out.split("\n")) {
    const [name, version, status] = line.split("\t");
    if (name && version && status === "installed") versions.set(name.replace(/:.*$/, ""), version);
  }
  return versions;
}

/** The packages as licence-gate components; one not installed has no licence (so it fails: run the toolchain). */
export function debianComponents(names: string[], docDir = "/usr/share/doc"): Component[] {
  const versions = installedVersions(names);
  return names.map((name) => {
    const file = join(docDir, name, "copyright");
    const installed = versions.get(name);
    const licence = installed && existsSync(file) ? copyrightLicence(readFileSync(file, "utf8")) : undefined;
    return { ecosystem: "debian", name, version: installed ?? "not installed", licence, via: installed ? file : "scripts/toolchain.sh APT_PACKAGES" };
  });
}
