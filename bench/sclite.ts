/** NIST's sclite (Debian package sctk): word error rate as the field reports it, to check ours against. */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { normaliseWords } from "../packages/testing/src/index.ts";

const run = promisify(execFile);
export const SCLITE = "/usr/lib/sctk/bin/sclite";

/**
 * WER of hypotheses against references (one pair per utterance) by sclite, on the same
 * normalised words our `wordErrorRate` sees, so any difference is in the scoring, not the text.
 */
export async function scliteWer(dir: string, name: string, pairs: { id: string; reference: string; hypothesis: string }[]): Promise<number> {
  const trn = (pick: (p: (typeof pairs)[number]) => string) => pairs.map((p) => `${normaliseWords(pick(p)).join(" ")} (${name}-${p.id})\n`).join("");
  const [ref, hyp] = [join(dir, `${name}.ref.trn`), join(dir, `${name}.hyp.trn`)];
  await writeFile(
    ref,
    trn((p) => p.reference),
  );
  await writeFile(
    hyp,
    trn((p) => p.hypothesis),
  );
  const { stdout } = await run(SCLITE, ["-r", ref, "trn", "-h", hyp, "trn", "-i", "spu_id", "-o", "sum", "stdout"], { maxBuffer: 64 << 20 });
  const m = /Sum\/Avg\s*\|\s*\d+\s+\d+\s*\|\s*[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+([\d.]+)/.exec(stdout);
  if (!m) throw new Error(`sclite printed no Sum/Avg line for ${name}`);
  return Number(m[1]) / 100;
}
