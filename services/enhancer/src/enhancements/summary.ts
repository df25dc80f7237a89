import { splitSentences } from "@mp4t/transcript";
import { keywordWeights, sentenceScore, contentWords } from "./text-stats.ts";

export type Sentence = { text: string; paragraph: number; position: number };

export const sentencesOf = (paragraphs: string[]): Sentence[] =>
  paragraphs.flatMap((p, paragraph) => splitSentences(p).map((text, position) => ({ text, paragraph, position })));

/**
 * Extractive summary: sentences scored by keyword weight, with a bonus for opening the talk or a
 * paragraph (speakers tend to say what they are about first); the best 3-5 (about a fifth of the
 * text) are returned in their original order. Fragments of under four words are not candidates.
 */
export function summarize(paragraphs: string[], opts: { min?: number; max?: number } = {}): string {
  const sentences = sentencesOf(paragraphs);
  const candidates = sentences.filter((s) => s.text.split(/\s+/).length >= 4 && contentWords(s.text).length > 0);
  const pool = candidates.length >= (opts.min ?? 3) ? candidates : sentences;
  const k = Math.min(pool.length, Math.max(opts.min ?? 3, Math.min(opts.max ?? 5, Math.round(sentences.length / 5))));
  const weights = keywordWeights(sentences.map((s) => s.text));
  const scores = pool.map((s) => sentenceScore(s.text, weights));
  const top = Math.max(0, ...scores);
  const ranked = pool
    .map((s, i) => ({ s, i, score: scores[i]! + (s.position === 0 ? 0.1 * top : 0) + (s.paragraph === 0 && s.position === 0 ? 0.15 * top : 0) }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, k)
    .sort((a, b) => a.i - b.i);
  return ranked.map((r) => r.s.text).join(" ");
}
