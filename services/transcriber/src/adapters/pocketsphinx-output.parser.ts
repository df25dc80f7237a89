import type { Word } from "@mp4t/contracts";

/** `word start end posterior`, as `-time yes` prints each segment. Hypothesis lines never match. */
const SEGMENT = /^(\S+)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?(?:e-?\d+)?)$/i;

/** Sentence markers, silence, noise and fillers: `<s>`, `</s>`, `<sil>`, `[NOISE]`, `++BREATH++`. */
const NON_WORD = /^(<.*>|\[.*\]|\+\+.*\+\+)$/;

/**
 * Words and their times from pocketsphinx_continuous output. Times are absolute within the file
 * (across utterances); alternative pronunciations such as "and(2)" become the plain word.
 */
export function parsePocketsphinxOutput(stdout: string): Word[] {
  const words: Word[] = [];
  for (const raw of stdout.split("\n")) {
    const m = SEGMENT.exec(raw.trim());
    if (!m || NON_WORD.test(m[1]!)) continue;
    const word = m[1]!.replace(/\(\d+\)$/, "");
    const start = Number(m[2]);
    const end = Math.max(start, Number(m[3]));
    const p = Number(m[4]);
    words.push({ start, end, word, ...(Number.isFinite(p) ? { confidence: Math.min(1, Math.max(0, p)) } : {}) });
  }
  return words;
}
