import { afterEach, describe, expect, it, vi } from "vitest";
import { createLagMonitor } from "./lag-monitor.ts";

/** Holds the event loop, as a long synchronous step would. */
const hold = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
// A stall is only measured as real time passes (the tests of delays run on real timers).
const pass = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("event-loop lag monitor", () => {
  afterEach(() => vi.useRealTimers());

  it("samples from the first work until idleMs after the last, and again on the next", () => {
    vi.useFakeTimers();
    const lag = createLagMonitor({ sampleMs: 100, idleMs: 15_000 });
    expect(lag.sampling()).toBe(false);
    lag.markActive();
    vi.advanceTimersByTime(10_000);
    lag.markActive();
    vi.advanceTimersByTime(10_000);
    expect(lag.sampling()).toBe(true); // 10 s since the last work
    vi.advanceTimersByTime(10_000);
    expect(lag.sampling()).toBe(false);
    lag.markActive();
    expect(lag.sampling()).toBe(true);
    vi.advanceTimersByTime(25_000);
    expect(lag.sampling()).toBe(false);
  });

  it("samples for longer than idleMs when the work asks for it (an autoscaler that ticks less often)", () => {
    vi.useFakeTimers();
    const lag = createLagMonitor({ sampleMs: 100, idleMs: 1_000 });
    lag.markActive(5_000);
    vi.advanceTimersByTime(3_000);
    expect(lag.sampling()).toBe(true);
    lag.markActive(); // a shorter ask does not cut the longer one short
    vi.advanceTimersByTime(1_500);
    expect(lag.sampling()).toBe(true);
    vi.advanceTimersByTime(1_000);
    expect(lag.sampling()).toBe(false);
  });

  it("reads a stall beyond the sampling period, and a new window after each read", async () => {
    const lag = createLagMonitor({ sampleMs: 20, idleMs: 60_000 });
    try {
      expect(lag.read()).toEqual({ min: 0, max: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p99: 0 });
      lag.markActive();
      await pass(100);
      hold(300);
      await pass(100);
      const stalled = lag.read();
      expect(stalled.max).toBeGreaterThan(0.25);
      expect(stalled.max).toBeLessThan(0.5);
      expect(stalled.p50).toBeLessThan(0.1); // most samples saw an unheld loop
      await pass(100);
      expect(lag.read().max).toBeLessThan(0.1);
    } finally {
      lag.stop();
    }
  });

  it("tells any number of callers the longest delay since their own last look, without resetting the window", async () => {
    const lag = createLagMonitor({ sampleMs: 20, idleMs: 60_000 });
    try {
      lag.markActive();
      await pass(100);
      const a = performance.now();
      hold(300);
      await pass(60);
      const b = performance.now();
      await pass(100);
      expect(lag.maxSince(a)).toBeGreaterThan(250); // the stall after a
      expect(lag.maxSince(a)).toBeLessThan(500);
      expect(lag.maxSince(a)).toBe(lag.maxSince(a)); // asking again resets nothing
      expect(lag.maxSince(b)).toBeLessThan(100); // only unheld samples after b
      expect(lag.read().max).toBeGreaterThan(0.25); // the scrape's window still holds it
    } finally {
      lag.stop();
    }
  });

  it("does not count the pause between two periods of work as a stall", async () => {
    const lag = createLagMonitor({ sampleMs: 20, idleMs: 60 });
    try {
      lag.markActive();
      await pass(100);
      await vi.waitFor(() => expect(lag.sampling()).toBe(false), { timeout: 1000, interval: 20 });
      await pass(400); // idle, unsampled
      lag.markActive();
      await pass(60);
      expect(lag.read().max).toBeLessThan(0.1);
    } finally {
      lag.stop();
    }
  });
});
