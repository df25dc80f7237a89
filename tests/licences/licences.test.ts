/**
 * The licence gate: every npm package installed in the workspace, every module linked into a
 * Go-built tool and every Debian package scripts/toolchain.sh installs (APT_PACKAGES, base and test
 * tools) has a licence from the allow-list (tests/licences/spdx.ts; Debian packages also GPL-2.0
 * and LGPL-2.x, tests/licences/debian.ts). AGPL, GPL-3.0, SSPL and BUSL fail with the component's
 * name; anything else off the list fails unless tests/licences/exceptions.json records a review
 * with the licence found and why.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aptPackageNames, debianComponents } from "./debian.ts";
import { checkLicences, unusedExceptions, type Failure, type LicenceException } from "./gate.ts";
import { goComponents, goModCache, goToolNames, npmPackages, type Component } from "./scan.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const TOOLS = process.env.MP4T_TOOLS ?? join(homedir(), ".cache", "mp4t");
const EXCEPTIONS = JSON.parse(readFileSync(join(import.meta.dirname, "exceptions.json"), "utf8")) as LicenceException[];
const OWN = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { license: string };
// The project's own Go module (tests/deploy/checks) carries the project's licence.
const OWN_GO = "github.com/mp4totext/";

const TOOLCHAIN = join(ROOT, "scripts", "toolchain.sh");
const toolNames = goToolNames(TOOLCHAIN);
const aptNames = aptPackageNames(TOOLCHAIN);
const components: Component[] = [
  ...npmPackages(ROOT),
  ...goComponents(TOOLS, toolNames, goModCache()).map((c) => (c.name.startsWith(OWN_GO) ? { ...c, licence: OWN.license } : c)),
  ...debianComponents(aptNames),
];

/**
 * KNOWN failures, reported but not failing the gate until their removal lands. DELETE THIS LIST
 * (and espeak-ng's review in exceptions.json) when it is empty in practice: the test below fails
 * once a listed component no longer fails, to say so.
 * - espeak-ng (GPL-3.0-or-later): toolchain.sh installs it only for the diarizer's synthetic speech
 *   fixtures (services/diarizer/test/speech-fixtures.ts); the diarizer branch moves them to
 *   recorded voices and drops it from APT_PACKAGES.
 */
const PENDING_REMOVAL: { ecosystem: Component["ecosystem"]; name: string }[] = [{ ecosystem: "debian", name: "espeak-ng" }];
const pending = (f: Failure) => PENDING_REMOVAL.some((p) => p.ecosystem === f.component.ecosystem && p.name === f.component.name);

describe("licence gate", () => {
  it("finds the Go-built tools the toolchain installs", () => {
    expect(toolNames).toEqual(expect.arrayContaining(["nats-server", "jaeger", "versitygw", "ferretdb", "compose-check", "kube-check"]));
    for (const tool of toolNames) expect(components.some((c) => c.ecosystem === "go" && c.via === tool), tool).toBe(true);
  });

  it("finds every installed npm package", () => {
    const names = new Set(components.filter((c) => c.ecosystem === "npm").map((c) => c.name));
    for (const name of ["pino", "pino-pretty", "fastify", "minio", "vitest", "typescript"]) expect(names, name).toContain(name);
  });

  it("finds every Debian package the toolchain installs, base and test tools, with its copyright file", () => {
    expect(aptNames).toEqual(expect.arrayContaining(["ffmpeg", "pocketsphinx", "pocketsphinx-en-us", "sox", "chromium"]));
    const debian = components.filter((c) => c.ecosystem === "debian");
    expect(debian.map((c) => c.name)).toEqual(aptNames);
    for (const c of debian) expect(c.version, `${c.name}: run MP4T_TEST_TOOLS=1 bash scripts/toolchain.sh`).not.toBe("not installed");
  });

  it("every npm package, Go module and Debian package has an allowed licence", () => {
    const failures = checkLicences(components, EXCEPTIONS);
    for (const f of failures.filter(pending)) console.warn(`[licence gate] KNOWN failure, pending removal: ${f.problem}`);
    const problems = failures.filter((f) => !pending(f)).map((f) => f.problem);
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("still fails on every component pending removal (delete it from PENDING_REMOVAL once it does not)", () => {
    const failing = checkLicences(components, EXCEPTIONS).filter(pending).map((f) => `${f.component.ecosystem}:${f.component.name}`);
    expect(failing.sort()).toEqual(PENDING_REMOVAL.map((p) => `${p.ecosystem}:${p.name}`).sort());
  });

  it("keeps no exception that no longer applies", () => {
    // espeak-ng's review goes with its PENDING_REMOVAL entry.
    expect(unusedExceptions(components, EXCEPTIONS)).toEqual([]);
  });
});
