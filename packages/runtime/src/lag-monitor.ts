/** Event-loop delays since the last read, in seconds; all 0 when nothing was sampled. */
export type LagStats = { min: number; max: number; mean: number; stddev: number; p50: number; p90: number; p99: number };

export type LagMonitor = {
  /** Work arrived (an HTTP request, a delivery being worked on): sample until `idleMs` (or `forMs`, if longer) after the last. */
  markActive(forMs?: number): void;
  sampling(): boolean;
  /** The delays sampled since the last read, then starts a new window. */
  read(): LagStats;
  /**
   * The longest delay (ms) among the samples taken after `since` (a `performance.now()` time);
   * 0 when there is none. Reads nothing else and resets nothing: any number of callers may ask.
   */
  maxSince(since: number): number;
  stop(): void;
};

/** Samples kept for the percentiles of one read window; past it, a uniform reservoir of them. */
const WINDOW_CAP = 4096;
/** Recent samples kept for `maxSince`: at 100 ms the last 12.8 s, more than the longest autoscaler period (LANE_POLL_MS 10 s). */
const RECENT = 128;

/**
 * An event-loop delay monitor that samples only while the process has work, so an idle process
 * has no timer of its own to wake it, and sleeps once it has had none for `idleMs`. One per
 * process (`lagMonitor` in metrics.ts) serves both the metrics scrape (`read`) and every worker's
 * autoscaler (`maxSince`).
 *
 * A sample is how late its timer fired beyond the period: a loop that was never held reads 0, one
 * held for 300 ms reads about 300 ms less the part of the period already gone. It is a plain
 * timer, not `perf_hooks.monitorEventLoopDelay`: that one's HDR histogram is 450 KB, and five
 * of them, each read (p99) and reset four times a second by its worker's autoscaler, cost about
 * 2 ms of CPU per busy second more than this one sampler (measured alone, docs/architecture.md,
 * "One lag sampler per process"). Here a read sorts the window's few hundred samples once per scrape.
 */
export function createLagMonitor(o: { sampleMs: number; idleMs: number }): LagMonitor {
  let activeUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  let prev = 0;
  // The read window: exact count, sum, sum of squares, min and max; the samples for percentiles.
  let count = 0;
  let sum = 0;
  let sumSq = 0;
  let min = Infinity;
  let max = 0;
  let kept: number[] = [];
  // The recent samples, a ring of (time, delay).
  const at = new Float64Array(RECENT);
  const delay = new Float64Array(RECENT);
  let next = 0;

  const sample = () => {
    const now = performance.now();
    const d = Math.max(0, now - prev - o.sampleMs);
    prev = now;
    count++;
    sum += d;
    sumSq += d * d;
    if (d < min) min = d;
    if (d > max) max = d;
    if (kept.length < WINDOW_CAP) kept.push(d);
    else {
      const i = Math.floor(Math.random() * count);
      if (i < WINDOW_CAP) kept[i] = d;
    }
    at[next] = now;
    delay[next] = d;
    next = (next + 1) % RECENT;
    if (Date.now() >= activeUntil) sleep();
  };
  const sleep = () => {
    clearInterval(timer);
    timer = undefined;
  };

  return {
    markActive(forMs = 0) {
      activeUntil = Math.max(activeUntil, Date.now() + Math.max(o.idleMs, forMs));
      if (timer) return;
      prev = performance.now(); // the pause before this is not a delay
      timer = setInterval(sample, o.sampleMs);
      timer.unref();
    },
    sampling: () => timer !== undefined,
    read() {
      if (count === 0) return { min: 0, max: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p99: 0 };
      const sorted = kept.sort((a, b) => a - b);
      const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! / 1000;
      const mean = sum / count;
      const stats = {
        min: min / 1000,
        max: max / 1000,
        mean: mean / 1000,
        stddev: Math.sqrt(Math.max(0, sumSq / count - mean * mean)) / 1000,
        p50: pct(50),
        p90: pct(90),
        p99: pct(99),
      };
      count = sum = sumSq = max = 0;
      min = Infinity;
      kept = [];
      return stats;
    },
    maxSince(since) {
      let m = 0;
      for (let i = 0; i < RECENT; i++) if (at[i]! > since && delay[i]! > m) m = delay[i]!;
      return m;
    },
    stop: sleep,
  };
}
