import { COMMANDS, Subjects, isUserMistake, type Command, type DeadLetter, type Stage } from "@mp4t/contracts";
import type { JsMsg } from "@nats-io/jetstream";
import { backoffMs } from "./backoff.ts";
import { AppError, PermanentError, RetryableError, errorMessage, isDiskFull } from "@mp4t/contracts";
import { workSubjectCell } from "./stream-read.ts";
import { isTransportOutage } from "./transport-outage.ts";
import type { WorkerOptions, WorkerOutcome, WorkerStats } from "./worker.ts";

const OUTAGE_DELIVERY_FACTOR = 4;
const OUTAGE_MIN_DELAY_MS = 5_000; // unless WorkerOptions.outageMinDelayMs says

export type InFlight = Map<JsMsg, { ac: AbortController; done: Promise<void> }>;

export type ProcessorDeps<S extends Stage> = {
  opts: WorkerOptions<S>;
  stats: WorkerStats;
  /** Messages being handled, with their abort controllers; the worker waits on them to stop. */
  inFlight: InFlight;
  stopping: () => boolean;
  /** A message was nak'd for `delayMs`: the worker should look for it again when it is due. */
  retryDue: (subject: string, delayMs: number) => void;
};

/**
 * One delivery from start to verdict: parses it against the stage's contract, runs the handler
 * under a deadline with a heartbeat, then acks, naks with backoff (longer for NATS outages) or
 * dead-letters and gives up. Every ack/nak/term decision of every service is made here.
 */
export function createMessageProcessor<S extends Stage>(deps: ProcessorDeps<S>) {
  const { opts, stats, inFlight } = deps;
  const { js, stage, logger } = opts;
  const schema = COMMANDS[stage];

  async function deadLetter(m: JsMsg, error: AppError) {
    const letter: DeadLetter = {
      v: 1,
      stage,
      subject: m.subject,
      data: m.string(),
      error: { code: error.code, message: error.message },
      deliveries: m.info.deliveryCount,
      service: opts.service,
      at: new Date().toISOString(),
    };
    await js.publish(Subjects.deadLetter(stage), JSON.stringify(letter), { msgID: `dlq:${m.info.stream}:${m.seq}` });
    stats.deadLettered++;
  }

  const started = new WeakMap<JsMsg, number>();
  const report = (m: JsMsg, outcome: WorkerOutcome) => opts.instrument?.outcome?.(stage, outcome, performance.now() - (started.get(m) ?? performance.now()), m);

  async function giveUp(m: JsMsg, msg: Command<S> | undefined, error: AppError) {
    stats.failed++;
    // The user's mistake (bad media, an option the system cannot serve): the job fails, but a
    // re-drive could not help and nothing is wrong with the system, so no dead letter.
    const mistake = msg !== undefined && isUserMistake(error.code);
    report(m, mistake ? "rejected" : "dead_letter");
    logger[mistake ? "info" : "warn"](
      { stage, code: error.code, err: error.message, deliveries: m.info.deliveryCount },
      mistake ? "job failed on the user's input" : "giving up on message",
    );
    try {
      if (!mistake) await deadLetter(m, error);
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
    // Deliveries that never reached a verdict (the process died, or NATS was down) count here; an
    // outage can consume several, so the hard stop sits at the outage allowance.
    if (deliveries > opts.maxDeliver * OUTAGE_DELIVERY_FACTOR) {
      return giveUp(m, msg, new PermanentError("RETRIES_EXHAUSTED", `${stage} was delivered ${deliveries} times without success`));
    }
    const ac = new AbortController();
    let finished!: () => void;
    inFlight.set(m, { ac, done: new Promise<void>((r) => (finished = r)) });
    stats.inFlight = inFlight.size;
    // A claim renewed less than a sixth of the ack wait ago has most of it left: handlers signal
    // progress at every step (each chunk, each slice of analysis), and each signal is a message.
    let renewed = performance.now();
    const working = () => {
      const now = performance.now();
      if (now - renewed < opts.ackWaitMs / 6) return;
      renewed = now;
      m.working();
    };
    const heartbeat = setInterval(working, Math.max(1000, opts.ackWaitMs / 3));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ac.abort();
        reject(new PermanentError("STAGE_TIMEOUT", `${stage} did not finish within ${Math.round(opts.deadlineMs / 1000)} s`));
      }, opts.deadlineMs);
    });
    try {
      const spareSlots = () => Math.max(0, (opts.autoscale?.max ?? opts.concurrency) - inFlight.size);
      await Promise.race([opts.handler(msg, { deliveryCount: deliveries, signal: ac.signal, logger: log, working, spareSlots }), deadline]);
      if (deps.stopping() && ac.signal.aborted) throw new RetryableError("INTERNAL", "interrupted by shutdown");
      m.ack();
      stats.processed++;
      stats.processedByClass[workSubjectCell(m.subject)?.cls ?? "interactive"]++;
      report(m, "ack");
    } catch (err) {
      if (deps.stopping() && ac.signal.aborted) {
        m.nak(); // shutdown: hand it straight to another replica
        report(m, "interrupted");
        return;
      }
      // A full disk (a scratch file, a blob) is the machine's, whatever the handler made of it.
      const diskFull = isDiskFull(err);
      // Unknown errors (bugs, network blips) are retried; a bare AppError carries a deliberate code.
      const error =
        diskFull && !(err instanceof RetryableError)
          ? new RetryableError("STORAGE_FULL", errorMessage(err), { cause: err })
          : err instanceof AppError
            ? err
            : new RetryableError("INTERNAL", errorMessage(err), { cause: err });
      // A NATS outage (server restart, network) or a full disk fails every handler at once; it is
      // nobody's fault in the message, so it gets more attempts and a longer pause before giving up.
      const outage = isTransportOutage(err) || diskFull;
      if (!(error instanceof RetryableError)) {
        await giveUp(m, msg, error);
      } else if (deliveries >= opts.maxDeliver * (outage ? OUTAGE_DELIVERY_FACTOR : 1)) {
        await giveUp(
          m,
          msg,
          new PermanentError("RETRIES_EXHAUSTED", `${stage} failed ${deliveries} times; last error ${error.code}: ${error.message}`, { cause: error }),
        );
      } else {
        stats.retried++;
        report(m, "retry");
        const delay = Math.max(backoffMs(deliveries, opts.backoff), error.retryAfterMs ?? 0, outage ? (opts.outageMinDelayMs ?? OUTAGE_MIN_DELAY_MS) : 0);
        log.warn({ code: error.code, err: error.message, retryInMs: delay }, "stage failed; will retry");
        m.nak(delay);
        deps.retryDue(m.subject, delay);
      }
    } finally {
      clearTimeout(timer);
      clearInterval(heartbeat);
      inFlight.delete(m);
      stats.inFlight = inFlight.size;
      finished();
    }
  }

  return { process };
}
