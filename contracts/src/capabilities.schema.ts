import { z } from "zod";
import { TRANSCRIPT_FORMATS } from "./transcript.schema.ts";

/** Any language: an engine or model whose list we do not know (the provider refuses what it cannot do). */
export const ANY_LANGUAGE = "*";

/**
 * Whisper's languages (openai/whisper `tokenizer.py` LANGUAGES; `jw` is its code for Javanese):
 * what OpenAI's transcription models and Whisper checkpoints take as `language`.
 */
export const WHISPER_LANGUAGES = [
  "en",
  "zh",
  "de",
  "es",
  "ru",
  "ko",
  "fr",
  "ja",
  "pt",
  "tr",
  "pl",
  "ca",
  "nl",
  "ar",
  "sv",
  "it",
  "id",
  "hi",
  "fi",
  "vi",
  "he",
  "uk",
  "el",
  "ms",
  "cs",
  "ro",
  "da",
  "hu",
  "ta",
  "no",
  "th",
  "ur",
  "hr",
  "bg",
  "lt",
  "la",
  "mi",
  "ml",
  "cy",
  "sk",
  "te",
  "fa",
  "lv",
  "bn",
  "sr",
  "az",
  "sl",
  "kn",
  "et",
  "mk",
  "br",
  "eu",
  "is",
  "hy",
  "ne",
  "mn",
  "bs",
  "kk",
  "sq",
  "sw",
  "gl",
  "mr",
  "pa",
  "si",
  "km",
  "sn",
  "yo",
  "so",
  "af",
  "oc",
  "ka",
  "be",
  "tg",
  "sd",
  "gu",
  "am",
  "yi",
  "lo",
  "uz",
  "fo",
  "ht",
  "ps",
  "tk",
  "nn",
  "mt",
  "sa",
  "lb",
  "my",
  "bo",
  "tl",
  "mg",
  "as",
  "tt",
  "haw",
  "ln",
  "ha",
  "ba",
  "jw",
  "su",
  "yue",
] as const;

const primary = (tag: string) => tag.split(/[-_]/)[0]!.toLowerCase();

/**
 * Whether a job's language is served by a list of offered ones: `*`, the same tag, or the same
 * primary language ("en" and "en-GB" are served by an "en-us" model, as jobs name languages loosely).
 */
export const languageServed = (requested: string, offered: readonly string[]): boolean =>
  offered.includes(ANY_LANGUAGE) || offered.some((o) => primary(o) === primary(requested));

/** The languages two replicas both serve (`*` serves everything the other does). */
export function commonLanguages(a: readonly string[], b: readonly string[]): string[] {
  if (a.includes(ANY_LANGUAGE)) return [...b];
  if (b.includes(ANY_LANGUAGE)) return [...a];
  return a.filter((l) => languageServed(l, b));
}

export const Languages = z.array(z.string().min(1).max(35)).max(500);

export const EngineCapability = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,32}$/),
  /** The engine a job gets when it names none. */
  default: z.boolean(),
  /** BCP-47 tags, or `["*"]` when the engine's list is not known. */
  languages: Languages,
  wordTimestamps: z.boolean(),
  /** The engine labels speakers itself (e.g. gpt-4o-transcribe-diarize). */
  speakers: z.boolean(),
});
export type EngineCapability = z.infer<typeof EngineCapability>;

export const DiarizationCapability = z.object({ available: z.boolean(), maxSpeakers: z.number().int().min(0).max(20) });
export const EnhancementCapabilities = z.object({
  summary: z.boolean(),
  notes: z.boolean(),
  cleanText: z.boolean(),
  translate: z.object({ available: z.boolean(), languages: Languages }),
});
export type EnhancementCapabilities = z.infer<typeof EnhancementCapabilities>;

/**
 * What one worker replica can do, from its own configuration; it travels in its service
 * discovery registration (`metadata.capabilities`, JSON) and the gateway joins the replicas'.
 */
export const InstanceCapabilities = z
  .object({
    engines: z.array(EngineCapability).max(20).optional(),
    diarization: DiarizationCapability.optional(),
    enhancements: EnhancementCapabilities.optional(),
    maxDurationSec: z.number().positive().optional(),
  })
  .strict();
export type InstanceCapabilities = z.infer<typeof InstanceCapabilities>;

/** `GET /v1/capabilities`: what this deployment supports (API-CONTRACT.md "Capabilities and options"). */
export const Capabilities = z.object({
  engines: z.array(EngineCapability),
  diarization: DiarizationCapability,
  enhancements: EnhancementCapabilities,
  formats: z.array(z.enum(TRANSCRIPT_FORMATS)),
  limits: z.object({
    maxUploadBytes: z.number().int().positive(),
    /** null while no ingest replica has reported its limit. */
    maxDurationSec: z.number().positive().nullable(),
    maxActiveJobs: z.number().int().positive(),
  }),
  uploads: z.object({
    resumable: z.object({ protocol: z.literal("tus"), endpoint: z.string(), version: z.string() }),
  }),
});
export type Capabilities = z.infer<typeof Capabilities>;

/** `details` of an OPTION_UNSUPPORTED refusal: the option, the value asked for, what would be served. */
export type OptionUnsupportedDetails = { option: string; value: unknown; available: unknown[] };
