import type { Segment, Transcript } from "@mp4t/contracts";
import { buildParagraphs, speakersOf, type ParagraphOptions } from "./segments.ts";

/** The transcript document from its segments: paragraphs, full text and speaker list derived. */
export function assembleTranscript(input: {
  language: string;
  durationSec: number;
  segments: Segment[];
  enhancements?: Transcript["enhancements"];
  paragraphs?: ParagraphOptions;
}): Transcript {
  const paragraphs = buildParagraphs(input.segments, input.paragraphs);
  return {
    language: input.language,
    durationSec: input.durationSec,
    text: paragraphs.map((p) => p.text).join("\n\n"),
    speakers: speakersOf(input.segments),
    segments: input.segments,
    paragraphs,
    enhancements: input.enhancements ?? {},
  };
}
