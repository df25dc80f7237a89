import { JobEvent, Streams, Subjects } from "@mp4t/contracts";
import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { watchJobEndOn, type CancelWatch } from "./job-cancel.ts";
import type { Publisher } from "./publisher.ts";
import { nextBySubject } from "./stream-read.ts";

/** An event with its stream sequence (the SSE id a client resumes with). */
export type StoredEvent = { event: JobEvent; seq: number };

/** Every job event from now on, in stream order; `close` ends the iteration. */
export type EventFeed = AsyncIterable<StoredEvent> & { close(): void };

/** The one reader and writer of the job events stream. */
export type JobEvents = {
  publish(event: JobEvent): Promise<void>;
  /**
   * Watches one job while a handler runs a long step: aborts when the job is canceled or fails
   * elsewhere, or when `parent` aborts. Await `ready` before reading the job, so a cancel is
   * either seen in the job record or arrives as an event, never missed.
   */
  watchEnd(jobId: string, parent: AbortSignal): CancelWatch & { ready: Promise<void> };
  /** The job's stored events after `afterSeq` (at most `max`), by direct gets: no consumer is made. */
  replay(jobId: string, afterSeq: number, opts?: { max?: number; onInvalid?: (seq: number) => void }): Promise<StoredEvent[]>;
  /** The newest `n` events of all jobs, oldest first. */
  recent(n: number): Promise<JobEvent[]>;
  /** Follows every job's events from now on over an ordered consumer (no durable state in NATS). */
  follow(): Promise<EventFeed>;
};

const parse = (text: string) => {
  try {
    return JobEvent.safeParse(JSON.parse(text));
  } catch {
    return JobEvent.safeParse(undefined);
  }
};

export function createJobEvents(deps: { nc: NatsConnection; js: JetStreamClient; jsm: () => Promise<JetStreamManager>; publisher: Pick<Publisher, "event"> }): JobEvents {
  const { js } = deps;
  return {
    publish: (event) => deps.publisher.event(event),
    watchEnd: (jobId, parent) => watchJobEndOn(deps.nc, jobId, parent),

    async replay(jobId, afterSeq, opts = {}) {
      const jsm = await deps.jsm();
      const max = opts.max ?? 2000;
      const out: StoredEvent[] = [];
      let seq = afterSeq + 1;
      while (out.length < max) {
        const m = await nextBySubject(jsm, Streams.events, Subjects.jobEvents(jobId), seq);
        if (!m) break;
        const parsed = parse(m.string());
        if (parsed.success) out.push({ event: parsed.data, seq: m.seq });
        else opts.onInvalid?.(m.seq);
        seq = m.seq + 1;
      }
      return out;
    },

    async recent(n) {
      const { state } = await (await deps.jsm()).streams.info(Streams.events);
      if (state.messages === 0) return [];
      const start = Math.max(state.first_seq, state.last_seq - n + 1);
      const consumer = await js.consumers.get(Streams.events, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start });
      const out: JobEvent[] = [];
      try {
        const batch = await consumer.fetch({ max_messages: state.last_seq - start + 1, expires: 2000 });
        for await (const m of batch) {
          const e = parse(m.string());
          if (e.success) out.push(e.data);
          if (m.seq >= state.last_seq) break;
        }
      } finally {
        await consumer.delete().catch(() => undefined);
      }
      return out;
    },

    async follow() {
      const consumer = await js.consumers.get(Streams.events, { filter_subjects: [Subjects.events], deliver_policy: DeliverPolicy.New });
      const messages = await consumer.consume();
      return {
        async *[Symbol.asyncIterator]() {
          for await (const m of messages) {
            const parsed = parse(m.string());
            if (parsed.success) yield { event: parsed.data, seq: m.seq };
          }
        },
        close: () => void messages.close().catch(() => undefined),
      };
    },
  };
}
