import { ANY_LANGUAGE, WHISPER_LANGUAGES, languageServed, type Word } from "@mp4t/contracts";
import { formReleased, malformedBody, multipartBody, OPENAI_BASE_URL, openAiAccountHeaders, providerPost, providerUrl } from "@mp4t/runtime";
import { z } from "zod";
import type { TranscriptionEngine } from "../ports.ts";
import { assertUploadSize, primaryLanguage, wavDurationSec } from "./provider-http.ts";
import { cleanWords, spreadWords } from "./word-timing.ts";

export type OpenAiEngineOptions = {
  /** Key for the API; OpenAI-compatible local servers often take any non-empty string. */
  apiKey: string;
  /** `https://api.openai.com/v1` by default; any OpenAI-compatible server's `/v1` base. */
  baseURL?: string | undefined;
  /** OPENAI_ORG_ID and OPENAI_PROJECT_ID, sent as OpenAI's account headers when set. */
  organization?: string | undefined;
  project?: string | undefined;
  /** `whisper-1` (word times), `gpt-4o-transcribe` / `gpt-4o-mini-transcribe` (text), `gpt-4o-transcribe-diarize` (speakers). */
  model: string;
  /** Languages to advertise; Whisper's for OpenAI's own models, `*` for other models when unset. */
  languages?: string[] | undefined;
  timeoutMs: number;
  maxUploadBytes: number;
  name?: string;
};

/** Whisper and OpenAI's gpt-4o transcription models take Whisper's languages; another server's model is unknown. */
export const openAiLanguages = (model: string): string[] => (/^(whisper|gpt-4o(-mini)?-transcribe)/.test(model) ? [...WHISPER_LANGUAGES] : [ANY_LANGUAGE]);

/** How a model is asked: each family supports different response formats. */
export type OpenAiMode = "verbose" | "diarized" | "text";
export const modeOf = (model: string): OpenAiMode => (model.includes("diarize") ? "diarized" : model.startsWith("whisper") ? "verbose" : "text");

const Verbose = z.object({
  text: z.string(),
  duration: z.number().optional(),
  words: z.array(z.object({ word: z.string(), start: z.number(), end: z.number() })).optional(),
  segments: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })).optional(),
});
const Diarized = z.object({
  text: z.string(),
  duration: z.number().optional(),
  segments: z.array(z.object({ start: z.number(), end: z.number(), text: z.string(), speaker: z.string() })),
});
const Text = z.object({ text: z.string() });

/** Words from a whisper `verbose_json`: its word times when asked for, else the segments' spread out. */
function fromVerbose(body: z.infer<typeof Verbose>, durationSec: number): Word[] {
  if (body.words && body.words.length > 0) return cleanWords(body.words);
  if (body.segments && body.segments.length > 0) return body.segments.flatMap((s) => spreadWords(s.text, s.start, s.end));
  return spreadWords(body.text, 0, body.duration ?? durationSec);
}

/**
 * The OpenAI audio transcription API, or any server speaking it (`baseURL`), asked with
 * `providerPost` (no SDK: docs/architecture.md, "Twenty-third pass"). Nothing is retried here:
 * our runner owns retries, so a 429's Retry-After delays the redelivery instead of holding a
 * worker slot. Speakers from diarizing models ride on the words as chunk-local labels ("A", "B");
 * the diarizer links them across chunks.
 */
export function createOpenAiEngine(opts: OpenAiEngineOptions): TranscriptionEngine {
  const name = opts.name ?? "openai";
  const url = providerUrl(opts.baseURL ?? OPENAI_BASE_URL, "audio/transcriptions");
  const headers = openAiAccountHeaders(opts);
  const mode = modeOf(opts.model);
  const languages = opts.languages ?? openAiLanguages(opts.model);
  /** What each model family is asked for, beside the model and language (arrays go as repeated `name[]` fields, as the SDK sends them). */
  const modeFields: Record<string, string | string[]> =
    mode === "verbose"
      ? { response_format: "verbose_json", "timestamp_granularities[]": ["word", "segment"] }
      : mode === "diarized"
        ? { response_format: "diarized_json", chunking_strategy: "auto" }
        : { response_format: "json" };
  return {
    name,
    capability: { languages, wordTimestamps: mode === "verbose", speakers: mode === "diarized" },
    supportsLanguage: (lang) => /^[a-z]{2,3}([-_][a-z0-9]+)*$/i.test(lang) && languageServed(lang, languages),
    async transcribe(wav, { language, signal }) {
      assertUploadSize(name, wav.bytes, opts.maxUploadBytes);
      const durationSec = wavDurationSec(wav.bytes);
      const fields = { model: opts.model, language: primaryLanguage(language), ...modeFields };
      // The form made here, the chunk's bytes in it uncopied (the SDK's own, toFile, FormData and Blob,
      // copied them three times over, 8-9 ms of CPU a request: docs/architecture.md, "The upload to
      // the engine"), so this settles only once nodeFetch is done with them (`formReleased`, below).
      const form = multipartBody(fields, { name: "file", filename: "chunk.wav", type: "audio/wav", bytes: wav.bytes });
      let raw: unknown;
      try {
        raw = await providerPost({
          provider: name,
          url,
          bearer: opts.apiKey,
          headers,
          body: form.body,
          contentType: form.contentType,
          signal,
          timeoutMs: opts.timeoutMs,
        });
      } finally {
        await formReleased(form.body); // the chunk's bytes are the caller's again (TranscriptionEngine.transcribe)
      }
      if (mode === "verbose") {
        const body = Verbose.safeParse(raw);
        if (!body.success) throw malformedBody(name, z.prettifyError(body.error));
        return fromVerbose(body.data, durationSec);
      }
      if (mode === "diarized") {
        const body = Diarized.safeParse(raw);
        if (!body.success) throw malformedBody(name, z.prettifyError(body.error));
        return body.data.segments.flatMap((s) => spreadWords(s.text, s.start, s.end, s.speaker));
      }
      const body = Text.safeParse(raw);
      if (!body.success) throw malformedBody(name, z.prettifyError(body.error));
      return spreadWords(body.data.text, 0, durationSec);
    },
  };
}
