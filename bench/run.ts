/**
 * `npm run bench`: runs every bench/*.bench.ts (or the ones named on the command line) in turn:
 * diarization, fairness, legacy-load, load, mfcc, overhead, scaling, search, transcription.
 * Each benchmark measures a baseline and our system side by side in the same run and prints
 * ratios; speed and memory goals live here, not in timed tests.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const all = (await readdir(dir)).filter((f) => f.endsWith(".bench.ts")).sort();
// A name that is a whole bench picks that one only (`load` is not also `legacy-load`); else a part of a name.
const picked = (o: string) => (all.includes(`${o}.bench.ts`) ? [`${o}.bench.ts`] : all.filter((f) => f.includes(o)));
const files = only.length === 0 ? all : all.filter((f) => only.some((o) => picked(o).includes(f)));
if (files.length === 0) {
  process.stderr.write(`no benchmarks match ${only.join(", ")}\n`);
  process.exit(1);
}
for (const f of files) {
  process.stdout.write(`\n=== ${f} ===\n`);
  const mod = (await import(join(dir, f))) as { run(): Promise<void> };
  await mod.run();
}
