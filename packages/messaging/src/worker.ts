import { memoryUsage } from "node:process";
import { Subjects, type Command, type JobClass, type Stage } from "@mp4t/contracts";
import type { JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { errorMessage, type AppError } from "@mp4t/contracts";
import { lagMonitor, type Logger } from "@mp4t/runtime";
import { createLaneScheduler, type Source } from "./lane-scheduler.ts";
import { createLaneWatch, type LaneWatch } from "./lane-watch.ts";
import { pullNow } from "./pull-now.ts";
import { createMessageProcessor, type InFlight } from "./message-processor.ts";
import { ensureFairConsumers } from "./topology.ts";

/**
 * Resident memory in MiB. `memoryUsage.rss()` reads only that; `memoryUsage()` also gathers V8's
 * heap statistics, which cost a worker process with five services, each ticking four times a
 * second while busy, about 10 ms of CPU per job (a profile of the overhead bench, 2026-12-02).
 * `rss()` is itself an open, a read and a close of /proc/self/stat: one reading serves every
 * worker of the process for RSS_FRESH_MS (a tick is 250 ms; a recycle acts on the figure that late).
 */
const RSS_FRESH_MS = 200;
let rssRead = Number.NEGATIVE_INFINITY;
let rssLast = 0;
const rssMiB = () => {
  const now = performance.now();
  if (now - rssRead >= RSS_FRESH_MS) {
    rssLast = memoryUsage.rss() / 2 ** 20;
    rssRead = now;
  }
  return rssLast;
};

export type HandlerContext = {
  deliveryCount: number;
  /** Aborted when the stage deadline passes or the worker is shutting down. */
  signal: AbortSignal;
  logger: Logger;
  /** Extends the message's claim (at most once per sixth of the ack wait); the runner also calls it on a timer while the handler runs. */
  working(): void;
  /**
   * Slots this replica could still run beside this message (its autoscale ceiling less those in
   * flight): a handler that may queue more of the same work can tell whether a slot waits for it.
   */
  spareSlots?(): number;
};

/** Handlers return to ack, or throw RetryableError / PermanentError; the runner does the rest. */
export type Handler<S extends Stage> = (msg: Command<S>, ctx: HandlerContext) => Promise<void>;

export type GiveUp<S extends Stage> = (msg: Command<S>, error: AppError) => Promise<void>;

/** `rejected`: given up on the user's mistake (the job failed, no dead letter). */
export type WorkerOutcome = "ack" | "retry" | "dead_letter" | "rejected" | "interrupted";

/** Seams for telemetry: tracing wraps processing, metrics count outcomes. */
export type WorkerInstrumentation = {
  /** Runs one message's processing, e.g. inside a span continued from its trace headers. */
  around?(m: JsMsg, stage: Stage, run: () => Promise<void>): Promise<void>;
  /** Called once per delivery with how it ended and how long it took. */
  outcome?(stage: Stage, outcome: WorkerOutcome, ms: number, m: JsMsg): void;
};

export type WorkerOptions<S extends Stage> = {
  js: JetStreamClient;
  /** The connection work signals arrive on; default: the one `js` was made from. */
  nc?: NatsConnection;
  jsm: JetStreamManager;
  stage: S;
  service: string;
  handler: Handler<S>;
  logger: Logger;
  concurrency: number;
  ackWaitMs: number;
  /** Deliveries before a retryable failure is given up on and dead-lettered. */
  maxDeliver: number;
  /** Wall-clock limit for one attempt; past it the job fails with STAGE_TIMEOUT. */
  deadlineMs: number;
  backoff?: { baseMs: number; maxMs: number };
  /** Least delay before retrying after a NATS outage or a full disk (default 5000). */
  outageMinDelayMs?: number;
  /** Called once when a message is given up on (dead-lettered): marks the job failed. */
  onGiveUp?: GiveUp<S>;
  instrument?: WorkerInstrumentation;
  /** Bounds the autoscaler moves concurrency within; absent, concurrency stays fixed. */
  autoscale?: { min: number; max: number };
  /** Unacked messages each of the stage's consumers allows, across all replicas. */
  maxAckPending?: number;
  /** While both classes have work, every Nth dispatch serves batch (default 5). */
  batchEvery?: number;
  /** Milliseconds between autoscaler steps while work is known to wait or run (default 250). */
  pollMs?: number;
  /** Milliseconds between two steps down of concurrency once the backlog is gone (default 5 s). */
  scaleDownEveryMs?: number;
  /** Milliseconds between safety re-reads of the consumers' backlog (default 30 s). */
  resyncMs?: number;
  /** The same while the lane is quiet: its stream empty at the last read, nothing heard since (default 5 minutes; never below `resyncMs`). */
  quietResyncMs?: number;
  /** Drain and hand over after this many jobs or above this RSS (0 or absent: never). */
  recycle?: { afterJobs: number; maxRssMb: number };
  /** Called once the worker has drained for recycling; the process should then exit. */
  onRecycle?: (reason: "jobs" | "memory") => void;
};

export type WorkerStats = {
  stage: Stage;
  concurrency: number;
  inFlight: number;
  processed: number;
  failed: number;
  retried: number;
  deadLettered: number;
  redelivered: number;
  /** Messages known to be waiting in the stage's consumers at the last look. */
  backlog: number;
  autoscale: { min: number; max: number };
  processedByClass: Record<JobClass, number>;
  recycling: false | "jobs" | "memory";
};

export type Worker = {
  start(): Promise<void>;
  /** Stops pulling, waits up to graceMs for in-flight work, naks the rest. */
  stop(graceMs: number): Promise<void>;
  stats(): WorkerStats;
};

/** Safety re-read of every consumer's backlog: catches what no signal announces (ack-wait expiries). */
const RESYNC_MS = 30_000;
/**
 * The safety re-read of a quiet lane (`LaneWatch.quiet`: the last read found the stream empty and
 * every publish since would have been heard), where nothing can wait unannounced: it stands
 * guard only against a signal lost in a way no reconnect reports.
 */
const QUIET_RESYNC_MS = 300_000;
/**
 * While the replica works, the backlog is also re-read this often: redeliveries (another replica
 * died, a message was stored after the pull that its signal prompted gave up) surface within
 * seconds under load, as they did with constant polling, at an eighth of its cost. Idle, only RESYNC_MS.
 */
const BUSY_RESYNC_MS = 2_000;
/**
 * Re-reads after a pull that a heard publish prompted came back empty, each this long after the
 * one before (2, 6 and 14 s after the pull): the stream may store a message after its publish
 * reached us, seconds after under load, and an idle replica would otherwise find it only at the
 * 30 s resync. At most three listings per replica after the last such pull.
 */
const LATE_CHECKS_MS = [2_000, 4_000, 8_000];
/** How long a pull waits for a message (one is only made where work is known to wait): see pull-now.ts. */
const PULL_WAIT_MS = 150;
/** How often a consumer holding only unacked messages is pulled for a retry whose backoff ended. */
const PROBE_EVERY_MS = 1_000;
/**
 * Event-loop delay above which the autoscaler sheds a slot instead of adding one: the latest that
 * a sample of the process's lag monitor (`lagMonitor`: one sampler every 100 ms for all the
 * services a process hosts, running while any has work) fired beyond its period since the last
 * step. 150 ms late is what the per-worker histogram this replaced shed at (its p99 of 50 ms
 * intervals, period included, over 200 ms).
 */
const LAG_LIMIT_MS = 150;
const SCALE_DOWN_EVERY_MS = 5_000;

export { ensureConsumer } from "./topology.ts";

export function createWorker<S extends Stage>(opts: WorkerOptions<S>): Worker {
  const { js, stage, logger } = opts;
  const inFlight: InFlight = new Map();
  const autoscale = opts.autoscale ?? { min: opts.concurrency, max: opts.concurrency };
  const stats: WorkerStats = {
    stage,
    concurrency: opts.concurrency,
    inFlight: 0,
    processed: 0,
    failed: 0,
    retried: 0,
    deadLettered: 0,
    redelivered: 0,
    backlog: 0,
    autoscale,
    processedByClass: { interactive: 0, batch: 0 },
    recycling: false,
  };
  let stopping = false;

  const { process } = createMessageProcessor({
    opts,
    stats,
    inFlight,
    stopping: () => stopping,
    // Backlog snapshots do not count a nak'd message as pending: come back for it when it is due.
    retryDue: (subject, delayMs) => setTimeout(() => sched.nudge(subject), delayMs + 5).unref(),
  });

  const pollMs = opts.pollMs ?? 250;
  const scaleDownEveryMs = opts.scaleDownEveryMs ?? SCALE_DOWN_EVERY_MS;
  const resyncMs = opts.resyncMs ?? RESYNC_MS;
  const quietResyncMs = Math.max(resyncMs, opts.quietResyncMs ?? QUIET_RESYNC_MS);
  /** The wait until the next safety re-read, from the last read's outcome. */
  const resyncWait = () => (watch?.quiet() ? quietResyncMs : resyncMs);
  const nc = opts.nc ?? (js as unknown as { nc?: NatsConnection }).nc;
  const sched = createLaneScheduler({ batchEvery: opts.batchEvery ?? 5, keyOf: (cls, b) => Subjects.fairFilters(stage, cls, b)[0]! });
  const names = new Map<string, string>(); // scheduler key -> durable name
  const keys = new Map<string, string>(); // durable name -> scheduler key
  const subjectKeys = new Map<string, string>(); // exact work subject -> scheduler key
  let watch: LaneWatch | undefined;
  const refresh = () => watch?.read() ?? Promise.resolve();
  let stream = "";
  let running = 0;
  let jobs = 0;
  let lastScaleDown = 0;
  let resync: NodeJS.Timeout | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let recheck: NodeJS.Timeout | undefined;
  let late: NodeJS.Timeout | undefined;
  /** True while `ticker` is the one-shot timer of `settle`, not the busy interval. */
  let settling = false;
  let lastScale = performance.now();
  const halted = () => stopping || stats.recycling !== false;

  const pull = (src: Source): Promise<JsMsg | null> => pullNow(nc!, stream, names.get(src.key)!, PULL_WAIT_MS);

  /** A probe came back empty: learn whether the consumer still holds unacked work (one request). */
  async function recount(src: Source) {
    const ci = await opts.jsm.consumers.info(stream, names.get(src.key)!);
    sched.update(src.key, Math.max(ci.num_pending, 0), ci.num_ack_pending);
  }

  const sinceRead = () => Date.now() - (watch?.lastRead() ?? 0);

  /** A backlog re-read in `ms` (unless the worker has stopped); `done` forgets the timer. */
  function readLater(ms: number, done: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      done();
      if (!halted()) void refresh();
    }, ms);
    t.unref();
    return t;
  }

  /**
   * Re-reads the backlog now, or once the last read is 500 ms old (at most twice a second: with
   * many replicas, empty pulls come in bursts). Deferred, not skipped: a read made just before the
   * stream stored the message a signal announced saw none, and with no other read due, that
   * message waited for the 30 s resync (the worker test's occasional 20 s timeout under load).
   */
  function refreshSoon() {
    if (halted()) return;
    const wait = 500 - sinceRead();
    if (wait <= 0) return void refresh();
    recheck ??= readLater(wait, () => (recheck = undefined));
  }

  /**
   * The late re-reads (LATE_CHECKS_MS) after an empty pull that followed a heard publish: one
   * chain at a time, which such a pull starts again from its first step (a pending re-read due
   * sooner than the first step stays: frequent empty pulls never push the next re-read back).
   */
  let lateStep = 0;
  let lateDue = 0;
  function lateCheck() {
    if (halted()) return;
    const arm = (step: number) => {
      lateStep = step;
      lateDue = Date.now() + LATE_CHECKS_MS[step]!;
      late = readLater(LATE_CHECKS_MS[step]!, () => {
        late = undefined;
        if (lateStep + 1 < LATE_CHECKS_MS.length && !halted()) arm(lateStep + 1);
      });
    };
    if (late && lateDue <= Date.now() + LATE_CHECKS_MS[0]!) return void (lateStep = 0); // due soon; the chain goes on from there
    clearTimeout(late);
    arm(0);
  }

  /** One worker slot: pulls where the scheduler says, until stopped or scaled away. */
  async function slot() {
    running++;
    while (!halted()) {
      if (running > stats.concurrency) break; // scaled down: this slot retires
      let src = sched.pick();
      const probing = !src && (src = sched.probe(Date.now(), PROBE_EVERY_MS)) !== undefined;
      if (!src) {
        // Nothing known to wait: sleep until a signal, a delivery count or a resync says otherwise.
        await sched.wait(resyncWait());
        continue;
      }
      try {
        const m = await pull(src);
        if (!m) {
          if (probing) await recount(src);
          else {
            sched.empty(src.key);
            if (sched.takeHeard(src.key)) {
              // A publish this replica heard is gone (another replica took it) or not stored yet:
              // re-read soon, and again 2, 6 and 14 s later for a store later than that.
              refreshSoon();
              lateCheck();
            } else if (sinceRead() >= 500) {
              // The count a delivery or a read gave was stale: correct every count at once, not
              // one empty pull each (at most twice a second: with many replicas, empty pulls come in bursts).
              void refresh();
            }
          }
          continue;
        }
        sched.delivered(src.key, m.info.pending);
        if (halted()) {
          m.nak();
          break;
        }
        busy();
        await (opts.instrument?.around ? opts.instrument.around(m, stage, () => process(m)) : process(m));
        if (opts.recycle?.afterJobs && ++jobs >= opts.recycle.afterJobs) void recycle("jobs");
      } catch (err) {
        if (halted()) break;
        logger.warn({ stage, err: errorMessage(err) }, "pull failed; retrying");
        await new Promise((r) => setTimeout(r, 1000));
        void refresh(); // a failing pull means a disruption: publishes may have gone unheard
      } finally {
        if (probing) sched.probeDone();
      }
    }
    running--;
  }

  const spawnSlots = () => {
    while (!halted() && running < stats.concurrency) void slot();
  };

  /**
   * Work is known to wait or run: step the autoscaler every `pollMs` (local numbers only, no
   * request) until the replica is idle at its floor again. Idle, no timer runs but the resync.
   */
  function busy() {
    lagMonitor.markActive(2 * pollMs); // sampled until the next tick, however long LANE_POLL_MS is
    if (halted()) return;
    if (settling) stopTicker();
    if (ticker) return;
    lastScale = performance.now(); // delays from before this busy spell are not this spell's load
    ticker = setInterval(tick, pollMs);
    ticker.unref();
  }

  function stopTicker() {
    clearInterval(ticker);
    ticker = undefined;
    settling = false;
  }

  function tick() {
    lagMonitor.markActive(2 * pollMs);
    if (sinceRead() >= BUSY_RESYNC_MS) void refresh();
    stats.backlog = sched.backlog();
    const rssMb = rssMiB();
    if (checkMemory(rssMb)) return;
    scale(rssMb);
    if (stats.backlog === 0 && stats.inFlight === 0) {
      stopTicker();
      if (stats.concurrency > autoscale.min) settle();
    }
  }

  /**
   * Nothing waits or runs, but slots above the floor remain: they are stepped down one per
   * `scaleDownEveryMs` as before, on one timer per step instead of the busy ticker (whose backlog
   * re-reads, delay sampling and 4 wake-ups a second cost an idle process some 0.1 s of CPU in
   * the half minute after a burst). Work that arrives meanwhile (`busy`) brings the ticker back.
   */
  function settle() {
    settling = true;
    ticker = setTimeout(
      () => {
        ticker = undefined;
        settling = false;
        if (halted()) return;
        stats.backlog = sched.backlog();
        if (stats.backlog > 0 || stats.inFlight > 0) return busy();
        stepDown(Date.now());
        if (stats.concurrency > autoscale.min) settle();
      },
      Math.max(0, lastScaleDown + scaleDownEveryMs - Date.now()) + 1,
    );
    ticker.unref();
  }

  function checkMemory(rssMb = rssMiB()): boolean {
    if (!opts.recycle?.maxRssMb || rssMb <= opts.recycle.maxRssMb) return false;
    void recycle("memory");
    return true;
  }

  /** After every backlog read: publish the numbers, and step the autoscaler if there is work. */
  function afterRead() {
    if (!halted()) {
      // The safety re-read counts from the last read, whatever made it, at the pace its outcome calls for.
      clearTimeout(resync);
      resync = setTimeout(() => void refresh(), resyncWait());
      resync.unref();
    }
    stats.backlog = sched.backlog();
    if (checkMemory()) return;
    if (stats.backlog > 0 || stats.inFlight > 0) busy();
  }

  /** Concurrency follows the backlog between the bounds, and backs off when the process is loaded. */
  function scale(rssMb: number) {
    const lagMs = lagMonitor.maxSince(lastScale);
    lastScale = performance.now();
    const ceiling = opts.recycle?.maxRssMb ? 0.85 * opts.recycle.maxRssMb : Infinity;
    const loaded = lagMs > LAG_LIMIT_MS || rssMb > ceiling;
    const now = Date.now();
    if (loaded && stats.concurrency > autoscale.min) {
      stats.concurrency--;
      lastScaleDown = now; // the idle step-down that may follow waits its interval from this one
    } else if (!loaded && stats.backlog > 0 && stats.inFlight >= stats.concurrency && stats.concurrency < autoscale.max) {
      stats.concurrency++;
      spawnSlots();
    } else if (stats.backlog === 0 && stats.inFlight < stats.concurrency && stats.concurrency > autoscale.min && now - lastScaleDown > scaleDownEveryMs) {
      stepDown(now);
    }
  }

  /** One slot fewer: an idle slot notices and retires. */
  function stepDown(now: number) {
    stats.concurrency--;
    lastScaleDown = now;
    sched.wakeAll();
  }

  /** Stops listening and every timer (shutdown, recycling). */
  function quiet() {
    clearTimeout(resync);
    clearTimeout(recheck);
    clearTimeout(late);
    stopTicker();
    watch?.stop();
  }

  const ensureConsumers = () =>
    ensureFairConsumers(opts.jsm, stage, {
      ackWaitMs: opts.ackWaitMs,
      ...(opts.maxAckPending ? { maxAckPending: opts.maxAckPending } : {}),
    });

  async function recycle(reason: "jobs" | "memory") {
    if (halted()) return;
    stats.recycling = reason;
    quiet();
    sched.wakeAll();
    logger.info({ stage, reason, jobs, rssMb: Math.round(rssMiB()) }, "recycling: draining in-flight work");
    await Promise.allSettled([...inFlight.values()].map((f) => f.done));
    opts.onRecycle?.(reason);
  }

  return {
    async start() {
      const made = await ensureConsumers();
      stream = made.stream;
      for (const c of made.consumers) {
        const subjects = Subjects.fairFilters(stage, c.cls, c.bucket);
        names.set(subjects[0]!, c.name);
        keys.set(c.name, subjects[0]!);
        for (const subject of subjects) subjectKeys.set(subject, subjects[0]!);
      }
      if (!nc) throw new Error("the worker needs the NATS connection its JetStream client uses");
      watch = createLaneWatch({
        nc,
        jsm: opts.jsm,
        stage,
        stream,
        sched,
        keys,
        subjectKeys,
        logger,
        halted,
        onSignal: busy,
        onRead: afterRead,
        restore: async () => void (await ensureConsumers()),
        settleMs: resyncMs,
      });
      watch.listen(); // before the first read, so nothing published in between goes unheard
      await refresh(); // its end arms the safety re-read (afterRead)
      spawnSlots();
      logger.info({ stage, concurrency: stats.concurrency, autoscale }, "worker started");
    },
    async stop(graceMs) {
      stopping = true;
      quiet();
      sched.wakeAll();
      // Idle pulls end on their own (a message that still arrives is nak'd); wait only for real work.
      const work = () => Promise.allSettled([...inFlight.values()].map((f) => f.done));
      await Promise.race([work(), new Promise((r) => setTimeout(r, graceMs).unref())]);
      for (const f of inFlight.values()) f.ac.abort();
      await Promise.race([work(), new Promise((r) => setTimeout(r, 1000).unref())]);
    },
    stats: () => ({ ...stats, processedByClass: { ...stats.processedByClass } }),
  };
}
