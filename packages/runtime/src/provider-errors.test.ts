import { describe, expect, it, vi } from "vitest";
import { parseRetryAfter, providerError, retryAfterHeader, withTimeout } from "./provider-errors.ts";

describe("provider error mapping", () => {
  it("reads Retry-After as seconds or an HTTP date, and prefers OpenAI's retry-after-ms", () => {
    expect(parseRetryAfter("7")).toBe(7000);
    expect(parseRetryAfter("0.25")).toBe(250);
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(30_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter("99999")).toBe(600_000);
    expect(retryAfterHeader(new Headers({ "retry-after": "2", "retry-after-ms": "1500" }))).toBe("1.5");
    expect(retryAfterHeader(new Headers({ "retry-after": "2" }))).toBe("2");
  });

  it("retries 429, 5xx, 408, timeouts and dropped connections; fails the rest of 4xx for good", () => {
    for (const status of [408, 409, 429, 500, 502, 503]) {
      expect(providerError({ provider: "p", status, message: "x" })).toMatchObject({ name: "RetryableError", code: "ENGINE_FAILED" });
    }
    expect(providerError({ provider: "p", status: 429, retryAfter: "3", message: "slow down" })).toMatchObject({
      retryAfterMs: 3000,
      message: "p answered 429: slow down",
    });
    expect(providerError({ provider: "p", timedOut: true, message: "x" })).toMatchObject({ name: "RetryableError", message: "p timed out: x" });
    expect(providerError({ provider: "p", message: "ECONNREFUSED" })).toMatchObject({ name: "RetryableError", message: "p was unreachable: ECONNREFUSED" });
    for (const status of [400, 401, 403, 404, 413, 422]) {
      expect(providerError({ provider: "p", status, message: "x" })).toMatchObject({ name: "PermanentError", code: "ENGINE_REJECTED" });
    }
  });
});

describe("withTimeout", () => {
  it("aborts with a TimeoutError after the time, told apart from the job's own abort", async () => {
    const job = new AbortController();
    const call = withTimeout(job.signal, 30);
    await new Promise((r) => call.signal.addEventListener("abort", r, { once: true }));
    expect(call.timedOut()).toBe(true);
    expect((call.signal.reason as DOMException).name).toBe("TimeoutError");

    const other = new AbortController();
    const second = withTimeout(other.signal, 60_000);
    other.abort(new Error("job canceled"));
    expect(second.signal.aborted).toBe(true);
    expect(second.timedOut()).toBe(false);
    expect((second.signal.reason as Error).message).toBe("job canceled");
    second.done();
  });

  it("leaves no timer behind once the call is done", () => {
    vi.useFakeTimers();
    try {
      const call = withTimeout(new AbortController().signal, 300_000);
      expect(vi.getTimerCount()).toBe(1);
      call.done();
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(300_001);
      expect(call.signal.aborted).toBe(false);
      expect(call.timedOut()).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
