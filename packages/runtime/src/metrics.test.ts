import { describe, expect, it } from "vitest";
import { initMetrics, lagMonitor, metricsText } from "./metrics.ts";

const value = (text: string, name: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`));
  if (!line) throw new Error(`${name} not in the scrape`);
  return Number(line.slice(line.lastIndexOf(" ") + 1));
};

describe("metrics", () => {
  it("serves prom-client's event-loop lag series from the monitor that samples only with work", async () => {
    initMetrics("test");
    // Nothing has marked work in this process: nothing samples, and the series read 0 (not a
    // histogram's empty sentinels).
    expect(lagMonitor.sampling()).toBe(false);
    const text = (await metricsText()).body;
    for (const s of ["", "_min", "_max", "_mean", "_stddev", "_p50", "_p90", "_p99"]) expect(text).toContain(`nodejs_eventloop_lag${s}_seconds{`);
    for (const s of ["min", "max", "p99"]) expect(value(text, `nodejs_eventloop_lag_${s}_seconds`)).toBe(0);
    expect(text.match(/^# TYPE nodejs_eventloop_lag_max_seconds /gm)).toHaveLength(1); // prom-client's own series removed
  });
});
