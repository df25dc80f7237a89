/**
 * Biome with the repository's biome.jsonc: `node scripts/lint.ts biome` (npm run lint without the
 * boundaries, which boundaries.test.ts checks) passes on the real tree, the linter fails on deliberate findings, allows the idioms the config
 * allows on purpose, and the format check (off in npm run lint until the one-time reformat) fails
 * on unformatted code.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const BIOME = join(ROOT, "node_modules", ".bin", "biome");
const FIXTURES = join(import.meta.dirname, "fixtures", "lint");
// Fixtures are copied out of the tree (biome.jsonc ignores the fixtures directory) and checked with its config.
const dir = mkdtempSync(join(tmpdir(), "mp4t-lint-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function biome(file: string, check: "lint" | "format") {
  copyFileSync(join(FIXTURES, file), join(dir, file));
  const only = check === "lint" ? ["--formatter-enabled=false", "--error-on-warnings"] : ["--linter-enabled=false"];
  const r = spawnSync(BIOME, ["ci", `--config-path=${join(ROOT, "biome.jsonc")}`, "--vcs-enabled=false", "--colors=off", ...only, file], {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status, rules: [...new Set((r.stdout + r.stderr).match(/lint\/\w+\/\w+/g) ?? [])].sort() };
}

describe("lint and format", () => {
  it("the real tree passes", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "scripts", "lint.ts"), "biome"], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it("fails on unused imports and variables", () => {
    expect(biome("unused.ts", "lint")).toEqual({ status: 1, rules: ["lint/correctness/noUnusedImports", "lint/correctness/noUnusedVariables"] });
  });

  it("fails on recommended rules kept on", () => {
    expect(biome("suspicious.ts", "lint")).toEqual({ status: 1, rules: ["lint/suspicious/noDebugger", "lint/suspicious/noDoubleEquals"] });
  });

  it("allows the idioms biome.jsonc turns off on purpose, and formatted code passes the format check", () => {
    expect(biome("clean.ts", "lint")).toEqual({ status: 0, rules: [] });
    expect(biome("clean.ts", "format").status).toBe(0);
  });

  it("the format check fails on unformatted code", () => {
    expect(biome("unformatted.ts", "lint").status).toBe(0);
    expect(biome("unformatted.ts", "format").status).toBe(1);
  });
});
