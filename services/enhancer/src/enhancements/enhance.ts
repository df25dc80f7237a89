import type { EnhanceOption, Transcript } from "@mp4t/contracts";
import type { Paragraph } from "@mp4t/transcript";
import type { z } from "zod";
import { cleanParagraph } from "./clean.ts";
import { lectureNotes } from "./notes.ts";
import { summarize } from "./summary.ts";

export type Enhancements = Transcript["enhancements"];

/**
 * Applies the requested enhancements with the local algorithms. Translation needs a language
 * model the local engine does not have; such options come back in `unsupported`.
 */
export function enhance(
  paragraphs: Paragraph[],
  speakers: string[],
  options: z.infer<typeof EnhanceOption>[],
): { enhancements: Enhancements; unsupported: string[] } {
  const wanted = new Set(options);
  // Cleaned only when something uses it (a job asks for no enhancement by default): a few regexes a word.
  const needed = wanted.has("clean") || wanted.has("summary") || wanted.has("notes");
  const cleaned = needed ? paragraphs.map((p) => ({ ...p, text: cleanParagraph(p.text) })).filter((p) => p.text.length > 0) : [];
  const labelled = speakers.length > 1;
  const enhancements: Enhancements = {};
  if (wanted.has("clean")) enhancements.clean = cleaned.map((p) => (labelled && p.speaker ? `${p.speaker}: ${p.text}` : p.text)).join("\n\n");
  if (wanted.has("summary")) enhancements.summary = summarize(cleaned.map((p) => p.text));
  if (wanted.has("notes")) enhancements.notes = lectureNotes(cleaned);
  const unsupported = [...wanted].filter((o) => o.startsWith("translate:"));
  return { enhancements, unsupported };
}
