/** NIST's md-eval (Debian package sctk) over RTTM files: the DER figures the field reports. */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const MD_EVAL = "/usr/lib/sctk/bin/md-eval.pl";

/** Parts of the diarization error, each a share of scored speaker time. */
export type Der = { der: number; missed: number; falarm: number; confusion: number };

const share = (out: string, label: string) => {
  const m = new RegExp(`${label} TIME =\\s*[\\d.]+ secs \\(\\s*([\\d.]+) percent`).exec(out);
  if (!m) throw new Error(`md-eval printed no ${label} line`);
  return Number(m[1]) / 100;
};

/** Scores `hyp` against `ref` (RTTM text) with a no-score collar of `collar` seconds on each side of every reference boundary. */
export async function mdEval(dir: string, name: string, ref: string, hyp: string, collar: number): Promise<Der> {
  const [r, h] = [join(dir, `${name}.ref.rttm`), join(dir, `${name}.hyp.rttm`)];
  await writeFile(r, ref);
  await writeFile(h, hyp);
  const { stdout } = await run("perl", [MD_EVAL, "-r", r, "-s", h, "-c", String(collar)], { maxBuffer: 64 << 20 });
  const m = /OVERALL SPEAKER DIARIZATION ERROR = ([\d.]+) percent/.exec(stdout);
  if (!m) throw new Error(`md-eval gave no DER for ${name}`);
  return {
    der: Number(m[1]) / 100,
    missed: share(stdout, "MISSED SPEAKER"),
    falarm: share(stdout, "FALARM SPEAKER"),
    confusion: share(stdout, "SPEAKER ERROR"),
  };
}
