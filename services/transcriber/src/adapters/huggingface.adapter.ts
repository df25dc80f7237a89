import { languageServed } from "@mp4t/contracts";
import type { Word } from "@mp4t/contracts";
import { malformedBody, nodeFetch, providerError, retryAfterRecorder, withTimeout } from "@mp4t/runtime";
import { InferenceClient, InferenceClientHubApiError, InferenceClientProviderApiError, InferenceClientProviderOutputError } from "@huggingface/inference";
import { z } from "zod";
import type { TranscriptionEngine } from "../ports.ts";
import { assertUploadSize, wavDurationSec } from "./provider-http.ts";
import { cleanWords, spreadWords } from "./word-timing.ts";

export type HfEngineOptions = {
  /** `hf_...` token; optional for a local server. */
  token?: string | undefined;
  /** Model id on the Hub, e.g. `openai/whisper-large-v3`. */
  model: string;
  /** An Inference Endpoint or local server; when unset the Hub's hf-inference provider serves `model`. */
  endpointUrl?: string | undefined;
  /** Languages the deployed model transcribes (primary subtags); `*` for any. */
  languages: string[];
  timeoutMs: number;
  maxUploadBytes: number;
  name?: string;
};

/** The transformers ASR pipeline's answer; `chunks` are words or phrases with [start, end] times. */
const AsrOutput = z.object({
  text: z.string(),
  chunks: z.array(z.object({ text: z.string(), timestamp: z.tuple([z.number(), z.number().nullable()]) })).optional(),
});

/** Word chunks keep their times; phrase chunks (segment timestamps) are spread over their span. */
function wordsOf(out: z.infer<typeof AsrOutput>, durationSec: number): Word[] {
  if (!out.chunks || out.chunks.length === 0) return spreadWords(out.text, 0, durationSec);
  return out.chunks.flatMap((c) => {
    const [start, end] = [c.timestamp[0], c.timestamp[1] ?? durationSec];
    return c.text.trim().includes(" ") ? spreadWords(c.text, start, end) : cleanWords([{ word: c.text, start, end }]);
  });
}

/**
 * Hugging Face automatic speech recognition through `@huggingface/inference`: the audio goes as
 * the raw request body. Word times come back when the deployment runs its pipeline with
 * `return_timestamps="word"` (Inference Endpoints and local servers are configured server-side;
 * the binary protocol has no room for parameters). The SDK's own endless retry on 503 is off:
 * our runner retries, honouring Retry-After (or a loading model's `estimated_time`).
 */
export function createHuggingFaceEngine(opts: HfEngineOptions): TranscriptionEngine {
  const name = opts.name ?? "huggingface";
  const client = new InferenceClient(opts.token);
  return {
    name,
    // Word times depend on how the server runs its pipeline, which the client cannot see.
    capability: { languages: opts.languages, wordTimestamps: false, speakers: false },
    supportsLanguage: (lang) => languageServed(lang, opts.languages),
    async transcribe(wav, { signal }) {
      assertUploadSize(name, wav.bytes, opts.maxUploadBytes);
      const durationSec = wavDurationSec(wav.bytes);
      const audio = new Blob([wav.bytes], { type: "audio/wav" });
      const call = withTimeout(signal, opts.timeoutMs);
      const recorder = retryAfterRecorder(nodeFetch);
      let raw: unknown;
      try {
        raw = await client.automaticSpeechRecognition(
          { model: opts.model, inputs: audio, ...(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : { provider: "hf-inference" as const }) },
          { signal: call.signal, fetch: recorder.fetch, retry_on_error: false },
        );
      } catch (err) {
        if (signal.aborted) throw err;
        if (err instanceof SyntaxError || err instanceof InferenceClientProviderOutputError) throw malformedBody(name, err.message, err);
        // The Hub's model lookup (hf-inference) fails in its own class, with the same HTTP detail.
        if (err instanceof InferenceClientProviderApiError || err instanceof InferenceClientHubApiError) {
          const body = err.httpResponse.body;
          const loading = typeof body === "object" && body !== null && typeof body.estimated_time === "number" ? String(body.estimated_time) : null;
          throw providerError({
            provider: name,
            status: err.httpResponse.status,
            retryAfter: recorder.retryAfter() ?? loading,
            message: err.message,
            cause: err,
          });
        }
        throw providerError({ provider: name, message: err instanceof Error ? err.message : String(err), timedOut: call.timedOut(), cause: err });
      } finally {
        call.done();
      }
      const out = AsrOutput.safeParse(raw);
      if (!out.success) throw malformedBody(name, z.prettifyError(out.error));
      return wordsOf(out.data, durationSec);
    },
  };
}
