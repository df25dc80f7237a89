import { open, stat } from "node:fs/promises";
import { PermanentError, RetryableError } from "@mp4t/platform";

/** What the adapters know about a failed provider call, whichever SDK made it. */
export type ProviderFailure = {
  engine: string;
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

/**
 * Maps a provider failure to our outcome: 429 and 5xx, timeouts and dropped connections are
 * retryable (429 carries the provider's Retry-After for the runner to honour); 408/409 too, as
 * the HTTP spec means them. Any other 4xx (bad key, no access, unknown model, too large) is the
 * provider refusing this request; retrying cannot help, so it is ENGINE_REJECTED at once.
 */
export function providerError(f: ProviderFailure): RetryableError | PermanentError {
  const what = `${f.engine} ${f.status ? `answered ${f.status}` : f.timedOut ? "timed out" : "was unreachable"}: ${f.message}`;
  const retryAfterMs = parseRetryAfter(f.retryAfter);
  if (f.status === undefined || f.status === 408 || f.status === 409 || f.status === 429 || f.status >= 500) {
    return new RetryableError("ENGINE_FAILED", what, { cause: f.cause, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  }
  return new PermanentError("ENGINE_REJECTED", what, { cause: f.cause });
}

/** A 200 whose body is not what the provider documents: a glitch worth one more try. */
export const malformedBody = (engine: string, detail: string, cause?: unknown) =>
  new RetryableError("ENGINE_FAILED", `${engine} sent a malformed response: ${detail}`, { cause });

/**
 * Refuses a chunk bigger than the provider's per-request limit (OpenAI: 25 MB) before sending it.
 * Our 30 s, 16 kHz mono chunks are about 1 MB, so this only trips on a misconfigured planner.
 */
export async function assertUploadSize(engine: string, path: string, maxBytes: number): Promise<number> {
  const { size } = await stat(path);
  if (size > maxBytes) {
    throw new PermanentError(
      "ENGINE_REJECTED",
      `the chunk is ${(size / 1e6).toFixed(1)} MB but ${engine} accepts at most ${(maxBytes / 1e6).toFixed(1)} MB per request; lower CHUNK_MAX_SEC`,
    );
  }
  return size;
}

/** Duration in seconds of a PCM WAV, read from its header (fmt byte rate, data size). */
export async function wavDurationSec(path: string): Promise<number> {
  const fh = await open(path, "r");
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const { size } = await fh.stat();
    if (bytesRead < 12 || head.toString("ascii", 0, 4) !== "RIFF") return 0;
    let byteRate = 0;
    for (let at = 12; at + 8 <= bytesRead; ) {
      const id = head.toString("ascii", at, at + 4);
      const len = head.readUInt32LE(at + 4);
      if (id === "fmt ") byteRate = head.readUInt32LE(at + 16);
      if (id === "data") return byteRate > 0 ? Math.min(len, size - at - 8) / byteRate : 0;
      at += 8 + len + (len % 2);
    }
    return 0;
  } finally {
    await fh.close();
  }
}

/** ISO 639-1 code providers take ("en-GB" -> "en"). */
export const primaryLanguage = (lang: string) => lang.split(/[-_]/)[0]!.toLowerCase();

/** The job's signal, also aborted after `timeoutMs`; `timedOut()` tells the two apart. */
export function withTimeout(signal: AbortSignal, timeoutMs: number) {
  const timeout = AbortSignal.timeout(timeoutMs);
  return { signal: AbortSignal.any([signal, timeout]), timedOut: () => timeout.aborted && !signal.aborted };
}
