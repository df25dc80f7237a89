import {
  InferenceClient,
  InferenceClientHubApiError,
  InferenceClientInputError,
  InferenceClientProviderApiError,
  InferenceClientProviderOutputError,
  InferenceClientRoutingError,
} from "@huggingface/inference";
import { PermanentError } from "@mp4t/contracts";
import { malformedBody, nodeFetch, providerError, retryAfterRecorder, withTimeout } from "@mp4t/runtime";
import type { ChatModel } from "../ports.ts";
import { replyOf } from "./chat-completion.ts";

export type HfChatOptions = {
  /** `hf_...` token; optional for a local server. */
  token?: string | undefined;
  /** Model id on the Hub, e.g. `meta-llama/Llama-3.1-8B-Instruct`. */
  model: string;
  /** A TGI, Inference Endpoint or local server (`.../v1`); when unset the Hub's router picks a provider for `model`. */
  endpointUrl?: string | undefined;
  timeoutMs: number;
  temperature?: number | undefined;
};

/** The provider's own words: OpenAI-style `{error: {message}}`, TGI's `{error: "..."}`, or the SDK's message. */
function providerMessage(err: InferenceClientProviderApiError | InferenceClientHubApiError): string {
  const body = err.httpResponse.body;
  if (typeof body === "object" && body !== null) {
    const e = body.error;
    if (typeof e === "string") return e;
    if (typeof e === "object" && e !== null && "message" in e && typeof e.message === "string") return e.message;
  }
  return err.message;
}

/**
 * Chat completions through `@huggingface/inference` (`chatCompletion`), which speaks the OpenAI
 * chat protocol to TGI, Inference Endpoints and the Hub's router alike. The SDK's own endless
 * retry on 503 is off: our runner retries, honouring Retry-After (or a loading model's estimate).
 */
export function createHuggingFaceChatModel(opts: HfChatOptions): ChatModel {
  const name = `huggingface:${opts.model}`;
  const client = new InferenceClient(opts.token);
  return {
    name,
    async complete(messages, { maxTokens, signal }) {
      const call = withTimeout(signal, opts.timeoutMs);
      const recorder = retryAfterRecorder(nodeFetch);
      let raw: unknown;
      try {
        raw = await client.chatCompletion(
          {
            model: opts.model,
            messages,
            max_tokens: maxTokens,
            ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
            ...(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : {}),
          },
          { signal: call.signal, fetch: recorder.fetch, retry_on_error: false },
        );
      } catch (err) {
        if (signal.aborted) throw err;
        if (err instanceof SyntaxError || err instanceof InferenceClientProviderOutputError) throw malformedBody(name, err.message, err);
        if (err instanceof InferenceClientInputError || err instanceof InferenceClientRoutingError) {
          throw new PermanentError("ENGINE_REJECTED", `${name} cannot be called as configured: ${err.message}`, { cause: err });
        }
        if (err instanceof InferenceClientProviderApiError || err instanceof InferenceClientHubApiError) {
          const body = err.httpResponse.body;
          const loading = typeof body === "object" && body !== null && typeof body.estimated_time === "number" ? String(body.estimated_time) : null;
          throw providerError({
            provider: name,
            status: err.httpResponse.status,
            retryAfter: recorder.retryAfter() ?? loading,
            message: providerMessage(err),
            cause: err,
          });
        }
        throw providerError({ provider: name, message: err instanceof Error ? err.message : String(err), timedOut: call.timedOut(), cause: err });
      } finally {
        call.done();
      }
      return replyOf(name, raw);
    },
  };
}
