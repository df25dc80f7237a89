import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import type { ChatModel } from "../ports.ts";
import { replyOf } from "./chat-completion.ts";
import { malformedBody, nodeFetch, providerError, retryAfterHeader } from "@mp4t/runtime";

export type OpenAiChatOptions = {
  /** OpenAI-compatible local servers often take any non-empty string. */
  apiKey: string;
  /** `https://api.openai.com/v1` when unset; any OpenAI-compatible server's `/v1` base. */
  baseURL?: string | undefined;
  /** e.g. `gpt-4o-mini`, or whatever model name the compatible server serves. */
  model: string;
  timeoutMs: number;
  temperature?: number | undefined;
};

/**
 * `POST /chat/completions` through the `openai` SDK. SDK retries are off: the runner owns
 * retries, so a 429's Retry-After delays the redelivery instead of holding a worker slot.
 */
export function createOpenAiChatModel(opts: OpenAiChatOptions): ChatModel {
  const name = `openai:${opts.model}`;
  // null, not undefined: the SDK would otherwise read OPENAI_BASE_URL from the environment itself.
  const client = new OpenAI({ apiKey: opts.apiKey, baseURL: opts.baseURL ?? null, maxRetries: 0, timeout: opts.timeoutMs, fetch: nodeFetch });
  // OpenAI's own reasoning models take only max_completion_tokens; the compatible servers
  // (vLLM, TGI, llama.cpp, Ollama) all know max_tokens, not all the newer name.
  const budget = (n: number) => (opts.baseURL ? { max_tokens: n } : { max_completion_tokens: n });
  return {
    name,
    async complete(messages, { maxTokens, signal }) {
      let raw: unknown;
      try {
        raw = await client.chat.completions.create(
          { model: opts.model, messages, ...budget(maxTokens), ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}) },
          { signal },
        );
      } catch (err) {
        if (err instanceof APIUserAbortError || signal.aborted) throw err;
        if (err instanceof SyntaxError) throw malformedBody(name, err.message, err);
        if (err instanceof APIError) {
          throw providerError({
            provider: name,
            status: err.status,
            retryAfter: retryAfterHeader(err.headers),
            message: err.message,
            timedOut: err instanceof APIConnectionTimeoutError,
            cause: err,
          });
        }
        throw err;
      }
      return replyOf(name, raw);
    },
  };
}
