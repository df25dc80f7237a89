import type { Word } from "@mp4t/contracts";

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Words for a span whose provider gave only text (gpt-4o-transcribe's `json`, a diarized segment,
 * a timestamp-less HF answer): the span is shared out in proportion to each word's length plus
 * one for the gap after it, since spoken duration follows letters far better than an even split.
 * Such words carry no confidence: their times are estimates, good enough for subtitles and for
 * placing speakers, not for word-accurate seeking.
 */
export function spreadWords(text: string, start: number, end: number, speaker?: string): Word[] {
  const tokens = text.split(/\s+/).filter(Boolean);
  if (tokens.length === 0 || !(end >= start)) return [];
  const weights = tokens.map((t) => t.length + 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const span = end - start;
  let at = start;
  return tokens.map((word, i) => {
    const len = (span * weights[i]!) / total;
    const w: Word = { start: round3(at), end: round3(at + len * (tokens[i]!.length / weights[i]!)), word };
    at += len;
    return speaker === undefined ? w : { ...w, speaker };
  });
}

/** Provider words trimmed, empty ones dropped, times ordered and non-negative. */
export function cleanWords(words: { word: string; start: number; end: number; speaker?: string | undefined }[]): Word[] {
  const out: Word[] = [];
  for (const w of words) {
    const word = w.word.trim();
    if (!word) continue;
    const start = round3(Math.max(0, w.start));
    const end = round3(Math.max(start, w.end));
    out.push(w.speaker === undefined ? { start, end, word } : { start, end, word, speaker: w.speaker });
  }
  return out;
}
