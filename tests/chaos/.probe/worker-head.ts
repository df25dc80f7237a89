import {
  COMMANDS, Streams, STAGE_LANES, Subjects, durableName,
  type Command, type DeadLetter, type Stage,
} from "@mp4t/contracts";
import {
  AckPolicy, DeliverPolicy, JetStreamApiError,
  type Consumer, type JetStreamClient, type JetStreamManager, type JsMsg,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { backoffMs } from "/work/main/packages/platform/src/backoff.ts";
import { AppError, PermanentError, RetryableError, errorMessage } from "/work/main/packages/platform/src/errors.ts";
import type { Logger } from "/work/main/packages/platform/src/logger.ts";

export type HandlerContext = {
  deliveryCount: number;
  /** Aborted when the stage deadline passes or the worker is shutting down. */
  signal: AbortSignal;
  logger: Logger;
  /** Extends the message's claim; the runner also calls it on a timer while the handler runs. */
  working(): void;
};

/** Handlers return to ack, or throw RetryableError / PermanentError; the runner does the rest. */
export type Handler<S extends Stage> = (msg: Command<S>, ctx: HandlerContext) => Promise<void>;

export type GiveUp<S extends Stage> = (msg: Command<S>, error: AppError) => Promise<void>;

export type WorkerOutcome = "ack" | "retry" | "dead_letter" | "interrupted";

/** Seams for telemetry: tracing wraps processing, metrics count outcomes. */
export type WorkerInstrumentation = {
  /** Runs one message's processing, e.g. inside a span continued from its trace headers. */
  around?(m: JsMsg, stage: Stage, run: () => Promise<void>): Promise<void>;
  /** Called once per delivery with how it ended and how long it took. */
  outcome?(stage: Stage, outcome: WorkerOutcome, ms: number, m: JsMsg): void;
};

export type WorkerOptions<S extends Stage> = {
  js: JetStreamClient;
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
  /** Called once when a message is given up on (dead-lettered): marks the job failed. */
  onGiveUp?: GiveUp<S>;
  instrument?: WorkerInstrumentation;
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
};

export type Worker = {
  start(): Promise<void>;
  /** Stops pulling, waits up to graceMs for in-flight work, naks the rest. */
  stop(graceMs: number): Promise<void>;
  stats(): WorkerStats;
};

const PULL_EXPIRES_MS = 5_000;

export async function ensureConsumer(jsm: JetStreamManager, stage: Stage, opts: { ackWaitMs: number; maxAckPending?: number }) {
  const stream = Streams.lane(STAGE_LANES[stage]);
  const name = durableName(stage);
  const config = {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: Subjects.stageFilter(stage),
    ack_wait: nanos(opts.ackWaitMs),
    // Retries are counted by the runner, which dead-letters; the server never silently drops.
    max_deliver: -1,
    max_ack_pending: opts.maxAckPending ?? 10_000,
  };
  try {
    await jsm.consumers.add(stream, config);
  } catch (err) {
    if (!(err instanceof JetStreamApiError)) throw err;
    await jsm.consumers.update(stream, name, { ack_wait: config.ack_wait, max_ack_pending: config.max_ack_pending });
  }
  return { stream, name };
}

export function createWorker<S extends Stage>(opts: WorkerOptions<S>): Worker {
  const { js, stage, logger } = opts;
  const schema = COMMANDS[stage];
  const inFlight = new Map<JsMsg, { ac: AbortController; done: Promise<void> }>();
  const stats: WorkerStats = { stage, concurrency: opts.concurrency, inFlight: 0, processed: 0, failed: 0, retried: 0, deadLettered: 0, redelivered: 0 };
  let stopping = false;
  let consumer: Consumer | undefined;

  async function deadLetter(m: JsMsg, error: AppError) {
    const letter: DeadLetter = {
      v: 1, stage, subject: m.subject, data: m.string(),
      error: { code: error.code, message: error.message },
      deliveries: m.info.deliveryCount, service: opts.service, at: new Date().toISOString(),
    };
    await js.publish(Subjects.deadLetter(stage), JSON.stringify(letter), { msgID: `dlq:${m.info.stream}:${m.seq}` });
    stats.deadLettered++;
  }

  const started = new WeakMap<JsMsg, number>();
  const report = (m: JsMsg, outcome: WorkerOutcome) => opts.instrument?.outcome?.(stage, outcome, performance.now() - (started.get(m) ?? performance.now()), m);

  async function giveUp(m: JsMsg, msg: Command<S> | undefined, error: AppError) {
    stats.failed++;
    report(m, "dead_letter");
    logger.warn({ stage, code: error.code, err: error.message, deliveries: m.info.deliveryCount }, "giving up on message");
    try {
      await deadLetter(m, error);
      if (msg && opts.onGiveUp) await opts.onGiveUp(msg, error);
      m.term(error.code);
    } catch (err) {
      // Could not record the failure: leave the message to be redelivered rather than lose it.
      logger.error({ err: errorMessage(err) }, "dead-lettering failed; will retry");
      m.nak(5_000);
    }
  }

  async function process(m: JsMsg) {
    started.set(m, performance.now());
    const deliveries = m.info.deliveryCount;
    if (deliveries > 1) stats.redelivered++;
    let msg: Command<S>;
    try {
      msg = schema.parse(JSON.parse(m.string())) as Command<S>;
    } catch (err) {
      return giveUp(m, undefined, new PermanentError("POISON_MESSAGE", `message does not match the ${stage} contract: ${errorMessage(err)}`));
    }
    const log = logger.child({ jobId: msg.jobId, stage, delivery: deliveries });
    if (deliveries > opts.maxDeliver) {
      return giveUp(m, msg, new PermanentError("RETRIES_EXHAUSTED", `${stage} was delivered ${deliveries} times without success`));
    }
    const ac = new AbortController();
    let finished!: () => void;
    inFlight.set(m, { ac, done: new Promise<void>((r) => (finished = r)) });
    stats.inFlight = inFlight.size;
    const heartbeat = setInterval(() => m.working(), Math.max(1000, opts.ackWaitMs / 3));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ac.abort();
        reject(new PermanentError("STAGE_TIMEOUT", `${stage} did not finish within ${Math.round(opts.deadlineMs / 1000)} s`));
      }, opts.deadlineMs);
    });
    try {
      await Promise.race([opts.handler(msg, { deliveryCount: deliveries, signal: ac.signal, logger: log, working: () => m.working() }), deadline]);
      if (stopping && ac.signal.aborted) throw new RetryableError("INTERNAL", "interrupted by shutdown");
      m.ack();
      stats.processed++;
      report(m, "ack");
    } catch (err) {
      if (stopping && ac.signal.aborted) {
        m.nak(); // shutdown: hand it straight to another replica
        report(m, "interrupted");
        return;
      }
      // Unknown errors (bugs, network blips) are retried; a bare AppError carries a deliberate code.
      const error = err instanceof AppError ? err : new RetryableError("INTERNAL", errorMessage(err), { cause: err });
      if (!(error instanceof RetryableError)) {
        await giveUp(m, msg, error);
      } else if (deliveries >= opts.maxDeliver) {
        await giveUp(m, msg, new PermanentError("RETRIES_EXHAUSTED", `${stage} failed ${deliveries} times; last error ${error.code}: ${error.message}`));
      } else {
        stats.retried++;
        report(m, "retry");
        const delay = backoffMs(deliveries, opts.backoff);
        log.warn({ code: error.code, err: error.message, retryInMs: delay }, "stage failed; will retry");
        m.nak(delay);
      }
    } finally {
      clearTimeout(timer);
      clearInterval(heartbeat);
      inFlight.delete(m);
      stats.inFlight = inFlight.size;
      finished();
    }
  }

  async function loop() {
    while (!stopping) {
      try {
        consumer ??= await js.consumers.get(Streams.lane(STAGE_LANES[stage]), durableName(stage));
        const m = await consumer.next({ expires: PULL_EXPIRES_MS });
        if (!m) continue;
        if (stopping) {
          m.nak();
          return;
        }
        await (opts.instrument?.around ? opts.instrument.around(m, stage, () => process(m)) : process(m));
      } catch (err) {
        if (stopping) return;
        consumer = undefined;
        logger.warn({ stage, err: errorMessage(err) }, "pull failed; retrying");
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  return {
    async start() {
      await ensureConsumer(opts.jsm, stage, { ackWaitMs: opts.ackWaitMs });
      for (let i = 0; i < opts.concurrency; i++) void loop();
      logger.info({ stage, concurrency: opts.concurrency }, "worker started");
    },
    async stop(graceMs) {
      stopping = true;
      // Idle pulls end on their own (a message that still arrives is nak'd); wait only for real work.
      const work = () => Promise.allSettled([...inFlight.values()].map((f) => f.done));
      await Promise.race([work(), new Promise((r) => setTimeout(r, graceMs).unref())]);
      for (const f of inFlight.values()) f.ac.abort();
      await Promise.race([work(), new Promise((r) => setTimeout(r, 1000).unref())]);
    },
    stats: () => ({ ...stats }),
  };
}
