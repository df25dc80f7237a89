import type { Paragraph } from "@mp4t/transcript";
import { formatClock } from "@mp4t/transcript";
import { sentencesOf } from "./summary.ts";
import { keywordWeights, sentenceScore, topTerms } from "./text-stats.ts";

export type NotesOptions = { terms?: number; sectionSec?: number; maxSections?: number; pointsPerSection?: number };

/** Splits paragraphs into about `count` runs of similar duration, keeping their order. */
function sections(paragraphs: Paragraph[], count: number): Paragraph[][] {
  if (paragraphs.length === 0) return [];
  const start = paragraphs[0]!.start;
  const span = Math.max(1e-9, paragraphs.at(-1)!.end - start);
  const out: Paragraph[][] = Array.from({ length: count }, () => []);
  for (const p of paragraphs) out[Math.min(count - 1, Math.floor(((p.start - start) / span) * count))]!.push(p);
  return out.filter((s) => s.length > 0);
}

/**
 * Lecture notes in Markdown: the key terms, then one section per stretch of the talk (about five
 * minutes each) with its most telling sentences as bullet points, in the order they were said.
 */
export function lectureNotes(paragraphs: Paragraph[], opts: NotesOptions = {}): string {
  const all = sentencesOf(paragraphs.map((p) => p.text)).map((s) => s.text);
  if (all.length === 0) return "";
  const weights = keywordWeights(all);
  const duration = (paragraphs.at(-1)?.end ?? 0) - (paragraphs[0]?.start ?? 0);
  const count = Math.max(1, Math.min(opts.maxSections ?? 8, Math.ceil(duration / (opts.sectionSec ?? 300)), paragraphs.length));
  const out: string[] = ["### Key terms", ""];
  const terms = topTerms(all, opts.terms ?? 8);
  out.push(...(terms.length ? terms.map((t) => `- ${t}`) : ["- (none)"]), "");
  const parts = sections(paragraphs, count);
  parts.forEach((part, i) => {
    const heading = parts.length > 1 ? `### Part ${i + 1} (${formatClock(part[0]!.start)}–${formatClock(part.at(-1)!.end)})` : "### Key points";
    const sentences = sentencesOf(part.map((p) => p.text)).map((s) => s.text);
    const points = sentences
      .map((text, j) => ({ text, j, score: sentenceScore(text, weights) }))
      .sort((a, b) => b.score - a.score || a.j - b.j)
      .slice(0, opts.pointsPerSection ?? 3)
      .sort((a, b) => a.j - b.j);
    out.push(heading, "", ...points.map((p) => `- ${p.text}`), "");
  });
  return out.join("\n").trimEnd();
}
