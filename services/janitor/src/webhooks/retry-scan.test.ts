import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "@mp4t/runtime";
import { startRetryScan } from "./retry-scan.ts";

const logger = createLogger("janitor", { level: "silent" });

describe("webhook retry scan", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  /** Scan times (ms) over `ms` of fake time, each scan publishing what `published` says. */
  async function scansOver(ms: number, published: (at: number) => number, act?: (s: ReturnType<typeof startRetryScan>) => void) {
    const at: number[] = [];
    const scan = startRetryScan({
      baseMs: 5000,
      maxMs: 60_000,
      logger,
      scan: async () => {
        at.push(Date.now());
        return published(Date.now());
      },
    });
    act?.(scan);
    await vi.advanceTimersByTimeAsync(ms);
    await scan.stop();
    return at;
  }

  it("backs off while scans find nothing, to one a minute", async () => {
    const at = await scansOver(200_000, () => 0);
    expect(at).toEqual([0, 5000, 15_000, 35_000, 75_000, 135_000, 195_000]);
  });

  it("keeps the base pace while scans publish, and backs off again after", async () => {
    const at = await scansOver(60_000, (t) => (t < 20_000 ? 1 : 0));
    expect(at).toEqual([0, 5000, 10_000, 15_000, 20_000, 25_000, 35_000, 55_000]);
  });

  it("scans when a retry this process scheduled falls due, however long the wait had grown", async () => {
    const at = await scansOver(
      100_000,
      () => 0,
      (s) => setTimeout(() => s.wake(80_000), 40_000),
    );
    // Backing off (0, 5, 15, 35 s; the next at 75 s), then the 80 s retry is brought forward from 155 s.
    expect(at).toEqual([0, 5000, 15_000, 35_000, 75_000, 80_100]);
  });

  it("never scans more often than the base pace, however many retries fall due", async () => {
    // 30 retries falling due 200 ms apart from 40 s on (a dead endpoint with many deliveries).
    const at = await scansOver(
      60_000,
      () => 0,
      (s) => setTimeout(() => Array.from({ length: 30 }, (_, i) => s.wake(40_000 + 200 * i)), 36_000),
    );
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(5000);
    // ...and the last of them is still scanned for within the base pace of its due time.
    expect(at.some((t) => t >= 40_000 + 200 * 29 && t <= 40_000 + 200 * 29 + 5100)).toBe(true);
  });

  it("goes back to the base pace after a failed scan, and stops cleanly", async () => {
    const at = await scansOver(30_000, (t) => {
      if (t === 15_000) throw new Error("store unavailable");
      return 0;
    });
    expect(at).toEqual([0, 5000, 15_000, 20_000, 25_000]);
  });
});
