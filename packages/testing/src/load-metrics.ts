/**
 * The figures a load run collects, in the shape k6's summary export had, so the load tests and
 * benches read the same names they read before: counters (`count`), rates (`passes`, `fails`,
 * `rate`: the share of true) and trends (`avg`, `min`, `med`, `max`, `p90`, `p95`). Trends keep
 * every sample: a run has at most a few thousand, and exact percentiles beat a sketch there.
 */
export type LoadMetric = {
  count?: number;
  passes?: number;
  fails?: number;
  rate?: number;
  avg?: number;
  min?: number;
  med?: number;
  max?: number;
  p90?: number;
  p95?: number;
};

export type LoadSummary = { metrics: Record<string, LoadMetric> };

/** A bound on one metric, k6-threshold style: `{ metric: "checks", stat: "rate", op: "==", value: 1 }`. */
export type Threshold = { metric: string; stat: keyof LoadMetric; op: "<" | ">" | "==" | "<=" | ">="; value: number };

/** The value at quantile `q` (0..1) of ascending `sorted`, interpolated between neighbours as k6 did. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export class LoadMetrics {
  readonly #counters = new Map<string, number>();
  readonly #rates = new Map<string, { passes: number; fails: number }>();
  readonly #trends = new Map<string, number[]>();

  /** Adds `n` to a counter (0 registers it, so it shows as 0 rather than missing). */
  add(name: string, n = 1): void {
    this.#counters.set(name, (this.#counters.get(name) ?? 0) + n);
  }

  /** One sample of a rate; returns `ok` so a check reads `if (!m.rate("upload 202", r.status === 202))`. */
  rate(name: string, ok: boolean): boolean {
    const r = this.#rates.get(name) ?? { passes: 0, fails: 0 };
    if (ok) r.passes++;
    else r.fails++;
    this.#rates.set(name, r);
    return ok;
  }

  trend(name: string, value: number): void {
    const t = this.#trends.get(name) ?? [];
    t.push(value);
    this.#trends.set(name, t);
  }

  summary(): LoadSummary {
    const metrics: Record<string, LoadMetric> = {};
    for (const [name, count] of this.#counters) metrics[name] = { count };
    for (const [name, { passes, fails }] of this.#rates) {
      metrics[name] = { passes, fails, rate: passes + fails === 0 ? Number.NaN : passes / (passes + fails) };
    }
    for (const [name, values] of this.#trends) {
      const s = [...values].sort((a, b) => a - b);
      metrics[name] = {
        count: s.length, avg: s.reduce((a, b) => a + b, 0) / s.length, min: s[0], max: s.at(-1),
        med: percentile(s, 0.5), p90: percentile(s, 0.9), p95: percentile(s, 0.95),
      };
    }
    return { metrics };
  }
}

/** The thresholds that do not hold in `summary` (a metric never recorded fails its thresholds). */
export function failedThresholds(summary: LoadSummary, thresholds: readonly Threshold[]): string[] {
  return thresholds.flatMap((t) => {
    const v = summary.metrics[t.metric]?.[t.stat];
    const held = v !== undefined && !Number.isNaN(v) && (
      t.op === "<" ? v < t.value : t.op === ">" ? v > t.value : t.op === "<=" ? v <= t.value : t.op === ">=" ? v >= t.value : v === t.value
    );
    return held ? [] : [`${t.metric} ${t.stat} ${t.op} ${t.value} (got ${v ?? "nothing"})`];
  });
}
