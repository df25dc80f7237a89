/**
 * The licence gate: every npm package installed in the workspace, every package of the
 * toolchain's npm-installed Artillery tree, every module linked into a Go-built tool and every
 * Debian package scripts/toolchain.sh installs (APT_PACKAGES, base and test tools) has a licence
 * from the allow-list (tests/licences/spdx.ts; Debian packages also GPL-2.0 and LGPL-2.x,
 * tests/licences/debian.ts). AGPL, GPL-3.0, SSPL and BUSL fail with the component's name; anything
 * else off the list fails unless tests/licences/exceptions.json records a review with the licence
 * found and why.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aptPackageNames, debianComponents } from "./debian.ts";
import { checkLicences, unusedExceptions, type LicenceException } from "./gate.ts";
import { goComponents, goModCache, goToolNames, npmPackages, npmTree, type Component } from "./scan.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const TOOLS = process.env.MP4T_TOOLS ?? join(homedir(), ".cache", "mp4t");
const EXCEPTIONS = JSON.parse(readFileSync(join(import.meta.dirname, "exceptions.json"), "utf8")) as LicenceException[];
const OWN = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { license: string };
// The project's own Go module (tests/deploy/checks) carries the project's licence.
const OWN_GO = "github.com/mp4totext/";

const TOOLCHAIN = join(ROOT, "scripts", "toolchain.sh");
const toolNames = goToolNames(TOOLCHAIN);
const aptNames = aptPackageNames(TOOLCHAIN);
// Artillery (tests/load) is npm-installed by the toolchain outside the workspace, in its own tree.
const ARTILLERY_VERSION = /^ARTILLERY_VERSION=(\S+)$/m.exec(readFileSync(TOOLCHAIN, "utf8"))?.[1];
const artillery = npmTree(join(TOOLS, `artillery-${ARTILLERY_VERSION}`), "artillery (toolchain)");
const components: Component[] = [
  ...npmPackages(ROOT),
  ...artillery,
  ...goComponents(TOOLS, toolNames, goModCache()).map((c) => (c.name.startsWith(OWN_GO) ? { ...c, licence: OWN.license } : c)),
  ...debianComponents(aptNames),
];

describe("licence gate", () => {
  it("finds the Go-built tools the toolchain installs", () => {
    expect(toolNames).toEqual(expect.arrayContaining(["nats-server", "jaeger", "versitygw", "ferretdb", "compose-check", "kube-check", "mp4t-spawn-relay"]));
    for (const tool of toolNames)
      expect(
        components.some((c) => c.ecosystem === "go" && c.via === tool),
        tool,
      ).toBe(true);
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

  it("finds every package of the toolchain's Artillery tree", () => {
    expect(ARTILLERY_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    const names = new Set(artillery.map((c) => c.name));
    for (const name of ["artillery", "@playwright/browser-chromium", "playwright-core", "pako", "yaml-js", "socket.io-client"])
      expect(names, name).toContain(name);
    expect(artillery.find((c) => c.name === "artillery")).toMatchObject({ version: ARTILLERY_VERSION, licence: "MPL-2.0" });
    expect(artillery.length).toBeGreaterThan(400); // 474 packages in 2.0.34
  });

  it("every npm package, Artillery package, Go module and Debian package has an allowed licence", () => {
    const problems = checkLicences(components, EXCEPTIONS).map((f) => f.problem);
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("keeps no exception that no longer applies", () => {
    expect(unusedExceptions(components, EXCEPTIONS)).toEqual([]);
  });
});
