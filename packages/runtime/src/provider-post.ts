import { PermanentError } from "@mp4t/contracts";
import { HEADER_VALUE } from "./config.ts";
import { nodeFetch } from "./http-fetch.ts";
import { malformedBody, providerError, retryAfterHeader, withTimeout } from "./provider-errors.ts";

/** The longest answer read from a provider: a whisper verbose_json for a 30 s chunk, or a chat reply, is tens of KB. */
export const MAX_PROVIDER_ANSWER_BYTES = 8 * 1024 * 1024;

/** OpenAI's own API, where no compatible server's base URL is configured. */
export const OPENAI_BASE_URL = "https://api.openai.com/v1";

/** The longest message of a provider's error body kept: it goes into logs, dead letters and the job's failure. */
const MAX_ERROR_MESSAGE_CHARS = 1000;

/**
 * An endpoint under a base URL (`.../v1` + `audio/transcriptions`), whether or not the base ends
 * in a slash; the base's query (an Azure-style `?api-version=`) is kept, a fragment dropped.
 */
export function providerUrl(base: string, path: string): URL {
  const url = new URL(base);
  url.hash = "";
  url.pathname = `${url.pathname.replace(/\/?$/, "/")}${path}`;
  return url;
}

/**
 * OpenAI's account headers: the organization and project a call counts against, for a key that
 * belongs to several (`OPENAI_ORG_ID`, `OPENAI_PROJECT_ID`, checked as header values by the config).
 */
export function openAiAccountHeaders(o: { organization?: string | undefined; project?: string | undefined }): Record<string, string> {
  return {
    ...(o.organization ? { "openai-organization": o.organization } : {}),
    ...(o.project ? { "openai-project": o.project } : {}),
  };
}

export type ProviderPost = {
  /** Names the provider in every error (`openai`, `openai:gpt-4o-mini`). */
  provider: string;
  url: string | URL;
  /** The API key, sent as `Authorization: Bearer <key>`; the header is left out when undefined or empty (a local server that takes none). */
  bearer?: string | undefined;
  /** Headers of the provider's own beyond the key (`openAiAccountHeaders`). */
  headers?: Readonly<Record<string, string>> | undefined;
  /** A JSON body, or a form from `multipartBody`. */
  body: string | ReadableStream<Uint8Array>;
  contentType: string;
  /** The job's signal: its abort is passed on as is, never called a provider failure. */
  signal: AbortSignal;
  /** For the whole call, the answer's body included. */
  timeoutMs: number;
  maxAnswerBytes?: number;
};

/**
 * A POST to an OpenAI-style JSON API through `nodeFetch`: the answer's JSON on a 2xx, else the
 * provider's failure as our outcome (`providerError`: its status, Retry-After / retry-after-ms,
 * and the message of the `{error:{message}}` body OpenAI and the compatible servers send). A
 * connection refused or dropped, or the time running out, is retryable; a 2xx that is not JSON,
 * or an answer over `maxAnswerBytes`, is a malformed body (retryable). Nothing is retried here:
 * the runner owns retries.
 *
 * In place of the `openai` SDK's `client.post` (docs/architecture.md, "Twenty-third pass"): the
 * same request on the wire (the SDK's own `x-stainless-*` telemetry headers aside) at less CPU,
 * with a bound on the answer's size and the timeout over the body's reading too.
 */
export async function providerPost(p: ProviderPost): Promise<unknown> {
  // A key a header cannot carry (a line break, a pasted curly quote) would fail every call with
  // an error quoting the header, the key in it; it is a setting to fix, said without its value.
  if (p.bearer && !HEADER_VALUE.test(p.bearer)) {
    throw new PermanentError(
      "ENGINE_REJECTED",
      `${p.provider}: the configured API key holds characters a header cannot carry (spaces, line breaks, non-ASCII); check the key`,
    );
  }
  const call = withTimeout(p.signal, p.timeoutMs);
  try {
    return await send(p, call);
  } finally {
    call.done();
  }
}

async function send(p: ProviderPost, call: ReturnType<typeof withTimeout>): Promise<unknown> {
  const failed = (err: unknown, status?: number): Error => {
    if (p.signal.aborted) return abortOf(p.signal); // the job's own abort, as it came
    return providerError({ provider: p.provider, status, message: messageOf(err), timedOut: call.timedOut(), cause: err });
  };
  const headers: Record<string, string> = { ...p.headers, accept: "application/json", "content-type": p.contentType, "user-agent": "mp4totext" };
  if (p.bearer) headers.authorization = `Bearer ${p.bearer}`;
  let res: Response;
  try {
    res = await nodeFetch(p.url, { method: "POST", headers, body: p.body, signal: call.signal });
  } catch (err) {
    throw failed(err);
  }
  let text: string;
  try {
    text = await readCapped(res, p.maxAnswerBytes ?? MAX_PROVIDER_ANSWER_BYTES);
  } catch (err) {
    if (err instanceof AnswerTooLarge && !p.signal.aborted) throw malformedBody(p.provider, err.message, err);
    throw failed(err, res.ok ? undefined : res.status);
  }
  if (p.signal.aborted) throw abortOf(p.signal); // aborted as the answer ended: the abort, not the answer
  if (!res.ok) {
    const moved = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null; // not followed (nodeFetch): say where to
    const message = `${errorMessage(res.status, text)}${moved ? ` (redirected to ${moved.slice(0, 300)}; set the base URL to it)` : ""}`;
    throw providerError({ provider: p.provider, status: res.status, retryAfter: retryAfterHeader(res.headers), message });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw malformedBody(p.provider, (err as Error).message, err);
  }
}

class AnswerTooLarge extends Error {}

/** The job's abort as an Error: its reason when that is one (an AbortError DOMException when none was given), else wrapped as nodeFetch wraps it. */
const abortOf = (signal: AbortSignal): Error =>
  signal.reason instanceof Error ? signal.reason : Object.assign(new Error(String(signal.reason)), { cause: signal.reason });

const messageOf = (err: unknown) => (err instanceof Error ? err.message + (err.cause instanceof Error ? ` (${err.cause.message})` : "") : String(err));

/** The answer's body as text, read no further than `max` bytes (the connection is dropped past it). */
async function readCapped(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get("content-length"));
  if (declared > max) {
    await res.body?.cancel();
    throw new AnswerTooLarge(`the answer is ${declared} bytes, over the ${max} read`);
  }
  if (!res.body) return "";
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    length += value.byteLength;
    if (length > max) {
      await reader.cancel();
      throw new AnswerTooLarge(`the answer is over the ${max} bytes read`);
    }
    text += decoder.decode(value, { stream: true });
  }
}

/** What a failed answer says: `{error:{message}}` (OpenAI and the compatible servers), `{error:"..."}`, `{message}`, or its text, cut short. */
function errorMessage(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = body?.error;
    const said =
      typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string"
        ? (error as { message: string }).message
        : typeof error === "string"
          ? error
          : typeof body?.message === "string"
            ? body.message
            : typeof body?.detail === "string"
              ? body.detail
              : undefined;
    if (said) return said.length > MAX_ERROR_MESSAGE_CHARS ? `${said.slice(0, MAX_ERROR_MESSAGE_CHARS)}...` : said;
  } catch {
    // not JSON: its text below
  }
  const trimmed = text.trim().slice(0, 300);
  return trimmed || `status ${status} (no body)`;
}
