import type { ChunkResult, Word } from "@mp4t/contracts";

/** Engine tokens that are not words: `<s>`, `<sil>`, `[NOISE]`, `++GARBAGE++`. */
const NON_WORD = /^(<[^>]*>|\[[^\]]*\]|\+\+.*\+\+)$/;
/** PocketSphinx marks alternative pronunciations as `word(2)`. */
const ALTERNATIVE = /\(\d+\)$/;
/** A word this close to the previous chunk's identical last word is the same word heard twice. */
const DUPLICATE_GAP_SEC = 0.15;

const bare = (w: string) => w.toLowerCase().replace(/[^\p{L}\p{N}']/gu, "");

export function normalizeWord(raw: string): string {
  const w = raw.trim();
  if (!w || NON_WORD.test(w)) return "";
  return w.replace(ALTERNATIVE, "");
}

/**
 * Joins chunk results into one word list in time order. Chunks may overlap at their boundaries
 * (the planner cuts on silence, engines pad): a word that lies mostly inside time already covered
 * is dropped, one that starts early is clamped, and an identical word right at the seam is dropped,
 * so times stay monotonic and nothing is said twice.
 */
export function stitchChunks(results: ChunkResult[]): Word[] {
  const out: Word[] = [];
  let lastChunk = -1;
  for (const chunk of [...results].sort((a, b) => a.index - b.index)) {
    const words = [...chunk.words].sort((a, b) => a.start - b.start);
    for (const w of words) {
      const text = normalizeWord(w.word);
      if (!text) continue;
      const end = Math.max(w.start, w.end);
      const prev = out.at(-1);
      if (prev) {
        const mid = (w.start + end) / 2;
        if (mid < prev.end) continue;
        const seam = lastChunk !== chunk.index;
        if (seam && bare(text) === bare(prev.word) && w.start - prev.end < DUPLICATE_GAP_SEC) continue;
      }
      const start = prev ? Math.max(w.start, prev.end) : w.start;
      out.push({ ...w, word: text, start, end: Math.max(start, end) });
      lastChunk = chunk.index;
    }
  }
  return out;
}
