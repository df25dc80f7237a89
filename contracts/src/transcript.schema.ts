import { z } from "zod";

export const Word = z.object({
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  word: z.string(),
  confidence: z.number().min(0).max(1).optional(),
  speaker: z.string().optional(),
});
export type Word = z.infer<typeof Word>;

export const Segment = z.object({
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  text: z.string(),
  speaker: z.string().optional(),
  words: z.array(Word),
});
export type Segment = z.infer<typeof Segment>;

/** One chunk's engine output with times already shifted to the whole recording. */
export const ChunkResult = z.object({
  index: z.number().int().nonnegative(),
  startSec: z.number().nonnegative(),
  endSec: z.number().nonnegative(),
  engine: z.string(),
  words: z.array(Word),
});
export type ChunkResult = z.infer<typeof ChunkResult>;

export const Enhancements = z.object({
  clean: z.string().optional(),
  summary: z.string().optional(),
  notes: z.string().optional(),
  translations: z.record(z.string(), z.string()).optional(),
});

/** The transcript document, as DESIGN.md's API section specifies. */
export const Transcript = z.object({
  language: z.string(),
  durationSec: z.number().nonnegative(),
  text: z.string(),
  speakers: z.array(z.string()),
  segments: z.array(Segment),
  paragraphs: z.array(z.object({ start: z.number(), end: z.number(), speaker: z.string().optional(), text: z.string() })).optional(),
  enhancements: Enhancements,
  /** True when the recording holds no speech the engine could transcribe (segments are then empty). */
  noSpeech: z.boolean().optional(),
});
export type Transcript = z.infer<typeof Transcript>;

export const TRANSCRIPT_FORMATS = ["json", "txt", "srt", "vtt", "md"] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];
