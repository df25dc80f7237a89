import { afterEach, describe, expect, it, vi } from "vitest";
import { initMetrics, lagMonitor, metricsText } from "./metrics.ts";

const value = (text: string, name: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`));
  if (!line) throw new Error(`${name} not in the scrape`);
  return Number(line.slice(line.lastIndexOf(" ") + 1));
};
const block = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe("event-loop lag metrics", () => {
  afterEach(() => vi.useRealTimers());

  it("stops sampling after 15 s without work and starts again on the next", () => {
    vi.useFakeTimers();
    // First in the file: nothing has marked activity yet, so the fake clock drives the idle check.
    expect(lagMonitor.sampling()).toBe(false);
    lagMonitor.markActive();
    vi.advanceTimersByTime(10_000);
    lagMonitor.markActive();
    vi.advanceTimersByTime(10_000);
    expect(lagMonitor.sampling()).toBe(true); // 10 s since the last work
    vi.advanceTimersByTime(10_000);
    expect(lagMonitor.sampling()).toBe(false);
    lagMonitor.markActive();
    expect(lagMonitor.sampling()).toBe(true);
    vi.advanceTimersByTime(25_000);
    expect(lagMonitor.sampling()).toBe(false);
  });

  it("serves prom-client's lag series, sampled only while the process has work", async () => {
    initMetrics("test");
    // Idle (the test above ended idle): nothing samples, and the series read 0 rather than a histogram's sentinels.
    expect(lagMonitor.sampling()).toBe(false);
    let text = (await metricsText()).body;
    for (const s of ["min", "max", "p99"]) expect(value(text, `nodejs_eventloop_lag_${s}_seconds`)).toBe(0);
    expect(text).toContain("nodejs_eventloop_lag_seconds{");

    // Work arrives: a stall longer than the sampling period shows in the percentiles.
    lagMonitor.markActive();
    expect(lagMonitor.sampling()).toBe(true);
    await new Promise((r) => setTimeout(r, 250));
    block(400);
    await new Promise((r) => setTimeout(r, 250));
    text = (await metricsText()).body;
    expect(value(text, "nodejs_eventloop_lag_max_seconds")).toBeGreaterThan(0.25);
    // The scrape resets the window.
    text = (await metricsText()).body;
    expect(value(text, "nodejs_eventloop_lag_max_seconds")).toBeLessThan(0.25);
  });
});
