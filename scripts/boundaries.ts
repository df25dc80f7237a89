/**
 * Checks the boundaries in .dependency-cruiser.cjs (and package cycles) over the repository, or
 * over `--cwd <dir>` (tests/boundaries runs it on fixture trees). Exit 1 with one line per problem.
 *   node scripts/boundaries.ts [--cwd dir] [roots...]
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { boundaryProblems, cruise, REPO, ROOTS } from "./dependency-graph.ts";

const { values, positionals } = parseArgs({ options: { cwd: { type: "string" } }, allowPositionals: true });
const cwd = values.cwd ? resolve(values.cwd) : REPO;
const c = cruise(cwd, positionals.length > 0 ? positionals : ROOTS);
const problems = boundaryProblems(c);
for (const p of problems) process.stdout.write(`${p.rule}: ${p.from}${p.to ? ` -> ${p.to}` : ""}\n`);
process.stdout.write(`boundaries: ${problems.length} problem(s), ${c.modules.length} modules, ${c.rules.length} rules on\n`);
process.exitCode = problems.length > 0 ? 1 : 0;
