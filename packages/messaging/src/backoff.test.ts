import { describe, expect, it } from "vitest";
import { backoffMs } from "./backoff.ts";

describe("backoffMs", () => {
  it("doubles per attempt within ±20% jitter and stays under the cap", () => {
    expect(backoffMs(1, { random: () => 0.5 })).toBe(1000);
    expect(backoffMs(3, { random: () => 0.5 })).toBe(4000);
    expect(backoffMs(3, { random: () => 0 })).toBe(3200);
    expect(backoffMs(3, { random: () => 1 })).toBe(4800);
    expect(backoffMs(30, { random: () => 1, maxMs: 60_000 })).toBe(60_000);
  });
});
