import { OPENAI_BASE_URL, openAiAccountHeaders, providerPost, providerUrl } from "@mp4t/runtime";
import type { ChatModel } from "../ports.ts";
import { replyOf } from "./chat-completion.ts";

export type OpenAiChatOptions = {
  /** OpenAI-compatible local servers often take any non-empty string. */
  apiKey: string;
  /** `https://api.openai.com/v1` when unset; any OpenAI-compatible server's `/v1` base. */
  baseURL?: string | undefined;
  /** OPENAI_ORG_ID and OPENAI_PROJECT_ID, sent as OpenAI's account headers when set. */
  organization?: string | undefined;
  project?: string | undefined;
  /** e.g. `gpt-4o-mini`, or whatever model name the compatible server serves. */
  model: string;
  timeoutMs: number;
  temperature?: number | undefined;
};

/**
 * `POST /chat/completions`, asked with `providerPost` (no SDK). Nothing is retried here: the
 * runner owns retries, so a 429's Retry-After delays the redelivery instead of holding a worker slot.
 */
export function createOpenAiChatModel(opts: OpenAiChatOptions): ChatModel {
  const name = `openai:${opts.model}`;
  const url = providerUrl(opts.baseURL ?? OPENAI_BASE_URL, "chat/completions");
  const headers = openAiAccountHeaders(opts);
  // OpenAI's own reasoning models take only max_completion_tokens; the compatible servers
  // (vLLM, TGI, llama.cpp, Ollama) all know max_tokens, not all the newer name.
  const budget = (n: number) => (opts.baseURL ? { max_tokens: n } : { max_completion_tokens: n });
  return {
    name,
    async complete(messages, { maxTokens, signal }) {
      const request = { model: opts.model, messages, ...budget(maxTokens), ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}) };
      const raw = await providerPost({
        provider: name,
        url,
        bearer: opts.apiKey,
        headers,
        body: JSON.stringify(request),
        contentType: "application/json",
        signal,
        timeoutMs: opts.timeoutMs,
      });
      return replyOf(name, raw);
    },
  };
}
