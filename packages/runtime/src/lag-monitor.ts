import { monitorEventLoopDelay } from "node:perf_hooks";

/** Event-loop delays since the last read, in seconds; all 0 when nothing was sampled. */
export type LagStats = { min: number; max: number; mean: number; stddev: number; p50: number; p90: number; p99: number };

export type LagMonitor = {
  /** Work arrived (an HTTP request, a delivery being worked on): sample until `idleMs` after the last. */
  markActive(): void;
  sampling(): boolean;
  /** The delays sampled since the last read, then starts a new window. */
  read(): LagStats;
  stop(): void;
};

type Summary = LagStats & { count: number };

/** Two windows' summaries as one: exact count, min, max and mean; the higher of the two spreads and percentiles. */
function merge(a: Summary | undefined, b: Summary | undefined): Summary | undefined {
  if (!a || !b) return a ?? b;
  const count = a.count + b.count;
  return {
    count,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    mean: (a.mean * a.count + b.mean * b.count) / count,
    stddev: Math.max(a.stddev, b.stddev),
    p50: Math.max(a.p50, b.p50),
    p90: Math.max(a.p90, b.p90),
    p99: Math.max(a.p99, b.p99),
  };
}

/**
 * An event-loop delay monitor that samples only while the process has work, so an idle process
 * has no timer of its own to wake it, and sleeps once it has had none for `idleMs` (checked every
 * third of it). Node records each sample as the time between two firings of its timer, which
 * includes the period itself: the period is taken off, so a loop that was never held reads 0.
 * When sampling stops, what it saw is kept as a summary and the sampler is reset (a sample taken
 * after a pause would otherwise span the whole pause); a read covering both merges them.
 */
export function createLagMonitor(o: { sampleMs: number; idleMs: number }): LagMonitor {
  const sampler = monitorEventLoopDelay({ resolution: o.sampleMs });
  const periodNs = o.sampleMs * 1e6;
  let lastActive = 0;
  let idleCheck: NodeJS.Timeout | undefined;
  let asleep: Summary | undefined; // what the sampler saw before it last stopped, not yet read

  const take = (): Summary | undefined => {
    const beyond = (ns: number) => Math.max(0, ns - periodNs) / 1e9;
    const s =
      sampler.count === 0
        ? undefined
        : {
            count: sampler.count,
            min: beyond(sampler.min),
            max: beyond(sampler.max),
            mean: beyond(sampler.mean),
            stddev: sampler.stddev / 1e9,
            p50: beyond(sampler.percentile(50)),
            p90: beyond(sampler.percentile(90)),
            p99: beyond(sampler.percentile(99)),
          };
    sampler.reset();
    return s;
  };
  const sleep = () => {
    clearInterval(idleCheck);
    idleCheck = undefined;
    asleep = merge(asleep, take());
    sampler.disable();
  };

  return {
    markActive() {
      lastActive = Date.now();
      if (idleCheck) return;
      sampler.enable();
      idleCheck = setInterval(() => Date.now() - lastActive >= o.idleMs && sleep(), o.idleMs / 3);
      idleCheck.unref();
    },
    sampling: () => idleCheck !== undefined,
    read() {
      const { count: _, ...stats } = merge(asleep, take()) ?? { count: 0, min: 0, max: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p99: 0 };
      asleep = undefined;
      return stats;
    },
    stop: () => idleCheck && sleep(),
  };
}
