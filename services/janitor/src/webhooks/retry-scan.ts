import type { Logger } from "@mp4t/runtime";

/** An idle janitor scans for due retries at least this often (a retry another replica scheduled, a lost first attempt). */
const IDLE_SCAN_MAX_MS = 60_000;

const WAKE_SLACK_MS = 100;

export type RetryScan = {
  /** An attempt was scheduled for `atMs` (ms since the epoch) by this process: scan then at the latest. */
  wake(atMs: number): void;
  stop(): Promise<void>;
};

/**
 * Runs `scan` (it returns how many attempts it published) now and again after `baseMs`. From the
 * second scan in a row that publishes nothing, each doubles the wait, up to `maxMs`; one that
 * publishes (or fails) sets it back to `baseMs`, so an idle janitor asks the store about once a
 * minute instead of every few seconds, and a busy one keeps the base pace. A retry this process
 * schedules brings the next scan forward to its due time (`wake`; never closer than `baseMs` to
 * the scan before), so it is published on time however long the wait had grown; one scheduled by
 * a replica that then died is found within `maxMs`.
 */
export function startRetryScan(o: { baseMs: number; maxMs?: number; logger: Logger; scan: () => Promise<number> }): RetryScan {
  const maxMs = Math.max(o.baseMs, o.maxMs ?? IDLE_SCAN_MAX_MS);
  let empty = 0; // scans in a row that published nothing
  let timer: NodeJS.Timeout | undefined;
  let nextAt = Number.POSITIVE_INFINITY;
  let running: Promise<void> | undefined;
  let again = false;
  let lastStart = 0;
  let wakes: number[] = []; // due times of attempts this process scheduled, not yet scanned for
  let stopped = false;

  const schedule = (at: number) => {
    if (stopped || (timer && nextAt <= at)) return;
    clearTimeout(timer);
    nextAt = at;
    timer = setTimeout(run, Math.max(0, at - Date.now()));
  };
  function run() {
    timer = undefined;
    nextAt = Number.POSITIVE_INFINITY;
    if (running) return void (again = true);
    const startedAt = (lastStart = Date.now());
    running = o
      .scan()
      .then(
        (published) => void (empty = published > 0 ? 0 : empty + 1),
        (err: unknown) => {
          o.logger.warn({ err }, "webhook retry scan failed; will try again");
          empty = 0;
        },
      )
      .finally(() => {
        running = undefined;
        wakes = wakes.filter((at) => at > startedAt); // the scan published what was due when it began
        const backoff = Date.now() + Math.min(maxMs, o.baseMs * 2 ** Math.max(0, empty - 1));
        schedule(Math.max(again ? Date.now() : wakes.reduce((a, b) => Math.min(a, b), backoff), startedAt + o.baseMs));
        again = false;
      });
  }
  run();
  return {
    // A little after the due time: a timer may fire a millisecond early, and a scan that finds the
    // attempt not yet due would leave it for the grown wait. Never sooner than `baseMs` after the
    // last scan began: many retries falling due at different times (one dead endpoint, many
    // deliveries) must not scan more often than the base pace.
    wake(atMs) {
      wakes.push(atMs + WAKE_SLACK_MS);
      schedule(Math.max(atMs + WAKE_SLACK_MS, lastStart + o.baseMs, Date.now()));
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
