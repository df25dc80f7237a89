import { describe, expect, it } from "vitest";
import { LoadMetrics, failedThresholds, percentile } from "./load-metrics.ts";

describe("load metrics", () => {
  it("interpolates percentiles between neighbours", () => {
    const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(s, 0.5)).toBeCloseTo(5.5);
    expect(percentile(s, 0.95)).toBeCloseTo(9.55);
    expect(percentile(s, 0)).toBe(1);
    expect(percentile(s, 1)).toBe(10);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it("summarises counters, rates and trends under their k6 names", () => {
    const m = new LoadMetrics();
    m.add("server_errors", 0);
    m.add("jobs", 2);
    m.add("jobs");
    expect(m.rate("checks", true)).toBe(true);
    expect(m.rate("checks", false)).toBe(false);
    m.rate("checks", true);
    m.rate("checks", true);
    for (const v of [4, 1, 3, 2]) m.trend("upload_seconds", v);
    const { metrics } = m.summary();
    expect(metrics.server_errors).toEqual({ count: 0 });
    expect(metrics.jobs).toEqual({ count: 3 });
    expect(metrics.checks).toEqual({ passes: 3, fails: 1, rate: 0.75 });
    expect(metrics.upload_seconds).toMatchObject({ count: 4, min: 1, max: 4, avg: 2.5, med: 2.5 });
    expect(metrics.upload_seconds!.p95).toBeCloseTo(3.85);
  });

  it("lists the thresholds that do not hold, a missing metric among them", () => {
    const m = new LoadMetrics();
    m.rate("http_req_failed", false);
    m.add("server_errors", 1);
    const failed = failedThresholds(m.summary(), [
      { metric: "http_req_failed", stat: "rate", op: "==", value: 0 },
      { metric: "server_errors", stat: "count", op: "==", value: 0 },
      { metric: "checks", stat: "rate", op: "==", value: 1 },
    ]);
    expect(failed).toEqual(["server_errors count == 0 (got 1)", "checks rate == 1 (got nothing)"]);
  });
});
