import { PermanentError, RetryableError } from "@mp4t/contracts";

/*
 * The HTTP-status-to-outcome rules for every paid provider we call (transcription and
 * enhancement, OpenAI and Hugging Face), so each adapter fails the same way.
 */

/** What an adapter knows about a failed provider call, whichever SDK made it. */
export type ProviderFailure = {
  provider: string;
  /** HTTP status; undefined for connection errors and timeouts. */
  status?: number | undefined;
  retryAfter?: string | null | undefined;
  message: string;
  timedOut?: boolean;
  cause?: unknown;
};

const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const ms = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)));
}

/** OpenAI sends `retry-after-ms` beside `retry-after`; the finer one wins, as a seconds string. */
export const retryAfterHeader = (headers: Headers | undefined): string | null | undefined => {
  const ms = headers?.get("retry-after-ms");
  return ms && Number.isFinite(Number(ms)) ? String(Number(ms) / 1000) : headers?.get("retry-after");
};

/**
 * A provider failure as our outcome: 429 and 5xx, 408/409, timeouts and dropped connections are
 * retryable (429 carries Retry-After for the runner to honour). Any other 4xx (bad key, no access,
 * unknown model, context too long) is the provider refusing this request; retrying cannot help,
 * so the job fails at once with ENGINE_REJECTED instead of waiting out its retries.
 */
export function providerError(f: ProviderFailure): RetryableError | PermanentError {
  const what = `${f.provider} ${f.status ? `answered ${f.status}` : f.timedOut ? "timed out" : "was unreachable"}: ${f.message}`;
  const retryAfterMs = parseRetryAfter(f.retryAfter);
  if (f.status === undefined || f.status === 408 || f.status === 409 || f.status === 429 || f.status >= 500) {
    return new RetryableError("ENGINE_FAILED", what, { cause: f.cause, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  }
  return new PermanentError("ENGINE_REJECTED", what, { cause: f.cause });
}

/** A 200 whose body is not what the provider documents (cut off, not JSON, fields missing): a glitch worth another try. */
export const malformedBody = (provider: string, detail: string, cause?: unknown) =>
  new RetryableError("ENGINE_FAILED", `${provider} sent a malformed response: ${detail}`, { cause });

/**
 * The job's signal, also aborted after `timeoutMs` (with the TimeoutError `AbortSignal.timeout`
 * gives); `timedOut()` tells the two apart. `done()` when the call is over clears the timer, which
 * `AbortSignal.timeout` kept until it fired (minutes after a call of a second).
 */
export function withTimeout(signal: AbortSignal, timeoutMs: number) {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")), timeoutMs);
  timer.unref();
  return {
    signal: AbortSignal.any([signal, timeout.signal]),
    timedOut: () => timeout.signal.aborted && !signal.aborted,
    done: () => clearTimeout(timer),
  };
}

/**
 * A fetch for SDKs whose errors carry the status and body but not the headers (Hugging Face's):
 * it remembers the last response's Retry-After for the error mapping. `inner` sends the request.
 */
export function retryAfterRecorder(inner: typeof fetch = fetch) {
  let retryAfter: string | null = null;
  const recordingFetch: typeof fetch = async (input, init) => {
    const res = await inner(input, init);
    retryAfter = res.headers.get("retry-after");
    return res;
  };
  return { fetch: recordingFetch, retryAfter: () => retryAfter };
}
