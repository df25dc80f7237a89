import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { GENERATED_TYPES, generateClientTypes } from "../../../scripts/client-generate.ts";

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

describe("@mp4t/client", () => {
  it("has committed types equal to a fresh generation from the gateway's document (npm run client:generate)", async () => {
    const committed = await readFile(GENERATED_TYPES, "utf8");
    expect(committed === (await generateClientTypes()), "packages/client/src/api.gen.ts is stale: run npm run client:generate").toBe(true);
  });

  it("compiles a usage file against the document's types, and rejects wrong paths, formats and options", async () => {
    const file = join(import.meta.dirname, "usage.typecheck.ts");
    const args = [
      tsc,
      "--noEmit",
      "--strict",
      "--target",
      "es2024",
      "--lib",
      "es2024",
      "--module",
      "nodenext",
      "--moduleResolution",
      "nodenext",
      "--allowImportingTsExtensions",
      "--verbatimModuleSyntax",
      "--erasableSyntaxOnly",
      "--noUncheckedIndexedAccess",
      "--skipLibCheck",
      "--types",
      "node",
      file,
    ];
    const out = await run(process.execPath, args, { cwd: join(import.meta.dirname, ".."), timeout: 60_000 }).catch((err: { stdout: string }) => ({
      stdout: err.stdout,
      failed: true,
    }));
    expect(out.stdout).toBe("");
    expect("failed" in out).toBe(false);
  });
});
