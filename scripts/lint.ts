/**
 * `npm run lint`: Biome's linter (biome.jsonc) and the dependency boundaries (.dependency-cruiser.cjs,
 * scripts/boundaries.ts). Exit 1 on any finding. `node scripts/lint.ts biome` runs Biome only
 * (tests/boundaries/lint.test.ts, beside boundaries.test.ts, in npm test).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

// The format check is off until the one-time reformat (`npm run format`) has landed; then set true.
const FORMAT_CHECK = true;

const ROOT = join(import.meta.dirname, "..");
const only = process.argv[2];
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit", timeout: 120_000 }).status ?? 1;

const biome = run(join(ROOT, "node_modules", ".bin", "biome"), ["ci", `--formatter-enabled=${FORMAT_CHECK}`, "--error-on-warnings", "."]);
const boundaries = only === "biome" ? 0 : run(process.execPath, [join(ROOT, "scripts", "boundaries.ts")]);
process.exitCode = biome === 0 && boundaries === 0 ? 0 : 1;
