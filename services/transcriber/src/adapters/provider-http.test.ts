import { describe, expect, it } from "vitest";
import { parseRetryAfter, primaryLanguage, providerError } from "./provider-http.ts";
import { spreadWords } from "./word-timing.ts";

describe("provider failures", () => {
  it("reads Retry-After as seconds or an HTTP date, capped and never negative", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter("0.5", now)).toBe(500);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("99999", now)).toBe(600_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("retries 429, 5xx, 408 and network failures; rejects other 4xx for good", () => {
    for (const status of [429, 500, 502, 503, 408, undefined]) {
      expect(providerError({ engine: "x", status, message: "m" }), String(status)).toMatchObject({ name: "RetryableError", code: "ENGINE_FAILED" });
    }
    for (const status of [400, 401, 403, 404, 413, 422]) {
      expect(providerError({ engine: "x", status, message: "m" }), String(status)).toMatchObject({ name: "PermanentError", code: "ENGINE_REJECTED" });
    }
    expect(providerError({ engine: "x", status: 429, retryAfter: "3", message: "m" })).toMatchObject({ retryAfterMs: 3000 });
  });

  it("sends primary language subtags", () => {
    expect(primaryLanguage("en-GB")).toBe("en");
    expect(primaryLanguage("PT_br")).toBe("pt");
  });
});

describe("spreadWords", () => {
  it("shares a span out by word length, in order, inside the span", () => {
    const words = spreadWords("a wonderful day", 10, 13, "A");
    expect(words.map((w) => w.word)).toEqual(["a", "wonderful", "day"]);
    expect(words[0]!.start).toBe(10);
    expect(words.at(-1)!.end).toBeLessThanOrEqual(13);
    expect(words[1]!.end - words[1]!.start).toBeGreaterThan(words[0]!.end - words[0]!.start);
    expect(words.every((w) => w.speaker === "A")).toBe(true);
    expect(spreadWords("  ", 0, 1)).toEqual([]);
  });
});
