import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for OpenAI's chat completions endpoint, speaking its wire protocol:
 * `POST /v1/chat/completions` with a bearer key and a JSON body, the real `chat.completion`
 * response (choices, finish_reason, usage) and the real error body `{error: {message, type,
 * param, code}}` with the statuses and headers OpenAI sends (429 with Retry-After, 401, 403,
 * 400 context_length_exceeded, 404 model_not_found, 5xx). Hugging Face's chat API (TGI, the
 * router) speaks the same protocol, so `@huggingface/inference` can talk to it too.
 *
 * The "model" is a function of the request (by default it echoes the last user message); its
 * "tokens" are whitespace-separated words, so `max_tokens` cuts answers off with
 * finish_reason "length" as a real model would.
 */
export type FakeChatFailure =
  /** Answered as usual: scripts a failure for a later request. */
  | { kind: "ok" }
  | { kind: "rate-limit"; retryAfterSec: number }
  | { kind: "server-error"; status?: number }
  /** 200 with a body cut off mid-JSON. */
  | { kind: "malformed" }
  /** 200 with an answer of no text. */
  | { kind: "empty" }
  /** 200 with `choices: []`. */
  | { kind: "no-choices" }
  | { kind: "content-filter" }
  | { kind: "slow"; delayMs: number }
  | { kind: "unauthorized" }
  | { kind: "forbidden" }
  | { kind: "bad-request"; message?: string };

export type FakeChatMessage = { role: string; content: string };

export type FakeChatRequest = {
  model: string;
  messages: FakeChatMessage[];
  /** The system message's text ("" when none) and the last user message's. */
  system: string;
  user: string;
  /** `max_completion_tokens` or `max_tokens`, whichever was sent. */
  maxTokens?: number;
  budgetField?: "max_tokens" | "max_completion_tokens";
  temperature?: number;
  authorization?: string;
  /** OpenAI's account headers (`OpenAI-Organization`, `OpenAI-Project`), when sent. */
  organization?: string;
  project?: string;
};

export type FakeChatOptions = {
  /** Bearer key the server accepts; any other gets 401 invalid_api_key. */
  apiKey?: string;
  /** Fixed delay before every answer (a benchmark's model of provider latency). */
  latencyMs?: number;
  /** The model: its answer to a request. Default: the last user message, echoed. */
  reply?: (req: FakeChatRequest) => string;
  /** Largest prompt, in characters over all messages; a longer one gets 400 context_length_exceeded. */
  maxContextChars?: number;
  /** Models it serves; others get 404 model_not_found. Any when unset. */
  models?: string[];
  /** Answers for the next requests, in order; once used up, requests succeed. */
  failures?: FakeChatFailure[];
};

export type FakeOpenAiChatServer = {
  /** The SDK's baseURL: `http://127.0.0.1:<port>/v1`. */
  baseURL: string;
  apiKey: string;
  /** Every well-formed, authorised request, in arrival order (failed ones included). */
  requests: FakeChatRequest[];
  /** Appends scripted failures for the next requests. */
  fail(...failures: FakeChatFailure[]): void;
  close(): Promise<void>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const words = (text: string) => text.split(/\s+/).filter(Boolean);

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ error: { message, type, param, code } }));
}

function sendJson(res: ServerResponse, body: unknown) {
  res.writeHead(200, { "content-type": "application/json", "x-request-id": `req_${Math.random().toString(36).slice(2)}` });
  res.end(JSON.stringify(body));
}

/** Message content is a string or an array of parts; the text parts are what a text model reads. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p === "object" && "text" in p ? String(p.text) : "")).join("");
  return "";
}

let served = 0;

function completion(req: FakeChatRequest, content: string, finish: string, refusal: string | null = null) {
  const promptTokens = req.messages.reduce((n, m) => n + words(m.content).length + 4, 3);
  const completionTokens = words(content).length;
  return {
    id: `chatcmpl-fake${++served}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: req.model,
    choices: [{ index: 0, message: { role: "assistant", content, refusal, annotations: [] }, logprobs: null, finish_reason: finish }],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: "default",
    system_fingerprint: "fp_fake",
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

/** The request as the fake model sees it; a string when the body breaks the protocol (the 400 message). */
function parseRequest(raw: string, headers: IncomingHttpHeaders): FakeChatRequest | string {
  const { authorization, "openai-organization": organization, "openai-project": project } = headers;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)";
  }
  if (typeof body.model !== "string" || !body.model) return "you must provide a model parameter";
  if (!Array.isArray(body.messages) || body.messages.length === 0) return "[] is too short - 'messages'";
  if (body.stream) return "this fake server does not stream; send stream: false";
  const messages = body.messages.map((m: { role?: unknown; content?: unknown }) => ({ role: String(m.role), content: textOf(m.content) }));
  const budgetField = body.max_completion_tokens !== undefined ? "max_completion_tokens" : body.max_tokens !== undefined ? "max_tokens" : undefined;
  const maxTokens = budgetField ? Number(body[budgetField]) : undefined;
  return {
    model: body.model,
    messages,
    system: messages
      .filter((m) => m.role === "system" || m.role === "developer")
      .map((m) => m.content)
      .join("\n"),
    user: messages.findLast((m) => m.role === "user")?.content ?? "",
    ...(budgetField ? { budgetField, maxTokens: maxTokens! } : {}),
    ...(typeof body.temperature === "number" ? { temperature: body.temperature } : {}),
    ...(authorization ? { authorization } : {}),
    ...(typeof organization === "string" ? { organization } : {}),
    ...(typeof project === "string" ? { project } : {}),
  };
}

export async function startFakeOpenAiChat(opts: FakeChatOptions = {}): Promise<FakeOpenAiChatServer> {
  const apiKey = opts.apiKey ?? "sk-test-fake-chat";
  const failures = [...(opts.failures ?? [])];
  const requests: FakeChatRequest[] = [];
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
        return sendError(res, 404, `Invalid URL (${req.method} ${req.url})`, "invalid_request_error", null);
      }
      const raw = await readBody(req);
      if (opts.latencyMs) await sleep(opts.latencyMs);
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        return sendError(
          res,
          401,
          "Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.",
          "invalid_request_error",
          "invalid_api_key",
        );
      }
      const r = parseRequest(raw, req.headers);
      if (typeof r === "string") return sendError(res, 400, r, "invalid_request_error", null);
      requests.push(r);
      const failure = failures.shift();
      switch (failure?.kind) {
        case "rate-limit":
          return sendError(
            res,
            429,
            `Rate limit reached for ${r.model} on tokens per min (TPM): Limit 200000, Used 199500, Requested 900. Please try again in ${failure.retryAfterSec}s.`,
            "tokens",
            "rate_limit_exceeded",
            null,
            { "retry-after": String(failure.retryAfterSec), "x-ratelimit-remaining-tokens": "500" },
          );
        case "server-error":
          return sendError(res, failure.status ?? 500, "The server had an error while processing your request. Sorry about that!", "server_error", null);
        case "unauthorized":
          return sendError(res, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
        case "forbidden":
          return sendError(res, 403, "Country, region, or territory not supported", "request_forbidden", "unsupported_country_region_territory");
        case "bad-request":
          return sendError(res, 400, failure.message ?? "Invalid value for 'messages'.", "invalid_request_error", "invalid_value", "messages");
        case "slow":
          await sleep(failure.delayMs);
          break;
        case "malformed":
          res.writeHead(200, { "content-type": "application/json" });
          return res.end('{"id": "chatcmpl-x", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant", "content": "Once upon');
        case "empty":
          return sendJson(res, completion(r, "", "stop"));
        case "no-choices":
          return sendJson(res, { ...completion(r, "", "stop"), choices: [] });
        case "content-filter":
          return sendJson(res, completion(r, "", "content_filter"));
      }
      if (opts.models && !opts.models.includes(r.model)) {
        return sendError(res, 404, `The model \`${r.model}\` does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found");
      }
      const promptChars = r.messages.reduce((n, m) => n + m.content.length, 0);
      if (opts.maxContextChars !== undefined && promptChars > opts.maxContextChars) {
        return sendError(
          res,
          400,
          `This model's maximum context length is ${opts.maxContextChars} characters. However, your messages resulted in ${promptChars} characters. Please reduce the length of the messages.`,
          "invalid_request_error",
          "context_length_exceeded",
          "messages",
        );
      }
      const answer = (opts.reply ?? ((q) => q.user))(r);
      const cutAt = r.maxTokens !== undefined ? [...answer.matchAll(/\S+/g)][r.maxTokens] : undefined;
      return sendJson(res, cutAt ? completion(r, answer.slice(0, cutAt.index).trimEnd(), "length") : completion(r, answer, "stop"));
    } catch (err) {
      if (!res.headersSent) sendError(res, 500, String(err), "server_error", null);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    fail: (...f) => void failures.push(...f),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
