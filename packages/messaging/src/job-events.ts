import { JobEvent, runOfMsgId, Streams, Subjects, type JobEventType } from "@mp4t/contracts";
import { AppError } from "@mp4t/contracts";
import {
  AckPolicy,
  DeliverPolicy,
  type ConsumerUpdateConfig,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type StoredMsg,
} from "@nats-io/jetstream";
import { nanos, type Msg, type MsgHdrs, type NatsConnection } from "@nats-io/transport-node";
import type { Publisher } from "./publisher.ts";
import { directBatch, nextBySubject } from "./stream-read.ts";

/**
 * An event with its stream sequence (the SSE id a client resumes with) and the job's run that
 * published it (`Job.attempts`, read from the message id; 1 for the first).
 */
export type StoredEvent = { event: JobEvent; seq: number; run: number };

/** The run of a stored event, from its `Nats-Msg-Id` (see `runMsgId`). */
const runOf = (m: { headers?: MsgHdrs | undefined }) => runOfMsgId(m.headers?.get("Nats-Msg-Id"));

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
  /**
   * Events of one user's jobs stored after `afterSeq`, oldest first, by batched direct gets (no
   * consumer): scans at most `maxScan` stored events of all users. `scannedTo` is the last sequence
   * looked at (0: none); `complete` is false when events after `afterSeq` have expired, or more
   * than `maxScan` were stored since (the caller should then tell its client to reload). With
   * `seedScan`, `seed` holds the user's events among the last `seedScan` stored up to `afterSeq`
   * (afterSeq included): what the client was last shown, for a filter to be measured against.
   */
  replayUser(
    userId: string,
    afterSeq: number,
    opts?: { maxScan?: number; seedScan?: number },
  ): Promise<{ events: StoredEvent[]; seed: StoredEvent[]; scannedTo: number; complete: boolean }>;
  /** The newest `n` events of all jobs, oldest first. */
  recent(n: number): Promise<JobEvent[]>;
  /** Job events stored since `since`, oldest first, at most `max` (a busy period is sampled from its start). */
  since(since: Date, max: number): Promise<JobEvent[]>;
  /**
   * Follows every job's events from now on over an ordered consumer (no durable state in NATS);
   * with `types`, those types only (the server filters).
   */
  follow(opts?: { types?: readonly JobEventType[] }): Promise<EventFeed>;
  /**
   * Every new job event, or with `types` those types only (the server filters), through the
   * durable consumer `durable` (created on first use for new events only, so a first start does not
   * replay history; one made with other filters is narrowed in place, keeping its position): acked
   * once `handle` resolves, offered again in `retryMs` (default 5 s) when it throws; an unreadable
   * event is dropped.
   */
  consumeDurable(
    durable: string,
    handle: (event: JobEvent) => Promise<void>,
    opts?: { retryMs?: number; types?: readonly JobEventType[] },
  ): Promise<{ stop(): Promise<void> }>;
};

/**
 * The long-lived consumers of the events stream (the janitor's webhook durable, the gateway's live
 * feed) renew their pull every 2 minutes and hear the server's idle heartbeat every 30 s (nats.js
 * caps it there), not every 30 s and 15 s: idle, those renewals and heartbeats were most of the
 * messages crossing the server. Events still arrive at once on the open pull.
 */
const LONG_PULL = { expires: 120_000 };

/** Events fetched per batched direct get while replaying a user's events. */
const REPLAY_BATCH = 500;

/** One batched direct get of events (none stored at or after the start: an empty batch). */
const eventBatch = (jsm: JetStreamManager, from: { seq: number } | { start_time: Date }, batch: number) =>
  directBatch(jsm, Streams.events, Subjects.events, from, batch);

/**
 * The events stream's filter for some types of event (every event without `types`): their
 * subjects, and the untyped one of earlier releases, so events stored before an upgrade still
 * arrive (nothing new is published there).
 */
const filtersOf = (types?: readonly JobEventType[]) => (types ? [...types.map(Subjects.eventsOfType), Subjects.legacyEvents] : [Subjects.events]);

const parse = (text: string) => {
  try {
    return JobEvent.safeParse(JSON.parse(text));
  } catch {
    return JobEvent.safeParse(undefined);
  }
};

export function createJobEvents(deps: {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: () => Promise<JetStreamManager>;
  publisher: Pick<Publisher, "event">;
}): JobEvents {
  const { js } = deps;
  return {
    publish: (event) => deps.publisher.event(event),
    watchEnd: (jobId, parent) => watchJobEndOn(deps.nc, jobId, parent),

    async replay(jobId, afterSeq, opts = {}) {
      const jsm = await deps.jsm();
      const max = opts.max ?? 2000;
      const out: StoredEvent[] = [];
      // Two subjects merged in sequence order: the job's events, and the untyped subject earlier
      // releases used (one direct get that finds nothing once such events have expired).
      const subjects = [Subjects.jobEvents(jobId), Subjects.legacyJobEvents(jobId)];
      const next = await Promise.all(subjects.map((s) => nextBySubject(jsm, Streams.events, s, afterSeq + 1)));
      while (out.length < max) {
        const [a, b] = next;
        if (!a && !b) break;
        const i = a && (!b || a.seq < b.seq) ? 0 : 1;
        const m = next[i]!;
        const parsed = parse(m.string());
        if (parsed.success) out.push({ event: parsed.data, seq: m.seq, run: runOfMsgId(m.header.get("Nats-Msg-Id")) });
        else opts.onInvalid?.(m.seq);
        next[i] = await nextBySubject(jsm, Streams.events, subjects[i]!, m.seq + 1);
      }
      return out;
    },

    async replayUser(userId, afterSeq, opts = {}) {
      const jsm = await deps.jsm();
      const maxScan = opts.maxScan ?? 10_000;
      const needle = `"userId":${JSON.stringify(userId)}`;
      const mine = (m: StoredMsg): StoredEvent | undefined => {
        const text = m.string();
        if (!text.includes(needle)) return undefined;
        const parsed = parse(text);
        return parsed.success && parsed.data.userId === userId ? { event: parsed.data, seq: m.seq, run: runOfMsgId(m.header.get("Nats-Msg-Id")) } : undefined;
      };
      const seed: StoredEvent[] = [];
      for (let seq = Math.max(1, afterSeq - (opts.seedScan ?? 0) + 1); seq <= afterSeq; ) {
        const want = Math.min(REPLAY_BATCH, afterSeq - seq + 1);
        const batch = await eventBatch(jsm, { seq }, want);
        for (const m of batch) {
          if (m.seq > afterSeq) break;
          const s = mine(m);
          if (s) seed.push(s);
        }
        if (batch.length < want) break; // nothing more stored (or only later: expired before)
        seq = batch.at(-1)!.seq + 1;
      }
      const events: StoredEvent[] = [];
      let scannedTo = 0;
      let scanned = 0;
      let complete = true;
      for (;;) {
        // One more than allowed: seeing it means the scan stopped short of the present.
        const want = Math.min(REPLAY_BATCH, maxScan + 1 - scanned);
        const batch = await eventBatch(jsm, { seq: (scannedTo || afterSeq) + 1 }, want);
        for (const m of batch) {
          // The stream holds nothing but events, so a gap in sequences is events that expired.
          if (scanned === 0 && m.seq > afterSeq + 1) complete = false;
          if (++scanned > maxScan) {
            complete = false;
            break;
          }
          scannedTo = m.seq;
          const s = mine(m);
          if (s) events.push(s);
        }
        if (scanned > maxScan || batch.length < want) return { events, seed, scannedTo, complete };
      }
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

    async since(since, max) {
      // Batched direct gets from the first event at or after `since`: no consumer, and no wait for
      // a fetch to expire when the period holds fewer events than `max` (or none).
      const jsm = await deps.jsm();
      const out: JobEvent[] = [];
      let from: { start_time: Date } | { seq: number } = { start_time: since };
      for (;;) {
        const want = Math.min(REPLAY_BATCH, max - out.length);
        if (want <= 0) return out;
        const batch = await eventBatch(jsm, from, want);
        for (const m of batch) {
          const e = parse(m.string());
          if (e.success) out.push(e.data);
        }
        if (batch.length < want) return out;
        from = { seq: batch.at(-1)!.seq + 1 };
      }
    },

    async consumeDurable(durable, handle, opts = {}) {
      const jsm = await deps.jsm();
      const filters = filtersOf(opts.types);
      const existing = await jsm.consumers.info(Streams.events, durable).catch((err: unknown) => {
        if (!/consumer not found/i.test((err as Error).message)) throw err;
        return null;
      });
      if (!existing) {
        await jsm.consumers.add(Streams.events, {
          durable_name: durable,
          filter_subjects: filters,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.New,
          ack_wait: nanos(30_000),
          max_ack_pending: 64,
        });
      } else {
        const had = existing.config.filter_subjects ?? (existing.config.filter_subject ? [existing.config.filter_subject] : []);
        // A durable of an earlier release followed every event: it keeps its place and narrows.
        if (had.join(" ") !== filters.join(" ")) {
          await jsm.consumers.update(Streams.events, durable, { filter_subject: undefined, filter_subjects: filters } as Partial<ConsumerUpdateConfig>);
        }
      }
      const messages = await (await js.consumers.get(Streams.events, durable)).consume({ max_messages: 32, ...LONG_PULL });
      const one = async (m: JsMsg) => {
        const parsed = parse(m.string());
        if (!parsed.success) return m.term("not a job event");
        try {
          await handle(parsed.data);
          m.ack();
        } catch {
          m.nak(opts.retryMs ?? 5000);
        }
      };
      const loop = (async () => {
        for await (const m of messages) await one(m);
      })();
      return {
        async stop() {
          await messages.close();
          await loop;
        },
      };
    },

    async follow(opts = {}) {
      const consumer = await js.consumers.get(Streams.events, { filter_subjects: filtersOf(opts.types), deliver_policy: DeliverPolicy.New });
      const messages = await consumer.consume(LONG_PULL);
      return {
        async *[Symbol.asyncIterator]() {
          for await (const m of messages) {
            const parsed = parse(m.string());
            if (parsed.success) yield { event: parsed.data, seq: m.seq, run: runOf(m) };
          }
        },
        close: () => void messages.close().catch(() => undefined),
      };
    },
  };
}

export type CancelWatch = {
  /** Aborts when the job is canceled or fails elsewhere, or when `parent` aborts. */
  signal: AbortSignal;
  /** True once the job itself ended (not the runner's deadline or shutdown). */
  ended(): boolean;
  /**
   * True once the job was canceled or deleted: it never runs again (only a failed job is re-driven
   * or retried) and the janitor purges its temporary blobs, so a writer may remove what it stored.
   */
  purged(): boolean;
  [Symbol.dispose](): void;
};

/** The events that end a job while one of its stages runs (`completed` comes only after the last stage). */
const STAGE_END_TYPES = ["canceled", "failed", "deleted"] as const satisfies readonly JobEventType[];
const STAGE_ENDS: ReadonlySet<unknown> = new Set(STAGE_END_TYPES);

/**
 * The end-watches of one connection share its subscriptions: one per end type
 * (`mp4t.v1.events.*.canceled`, ...), and the untyped subject of earlier releases, made with the
 * connection's first watch and kept for its life. Each watch only joins the map of watched jobs.
 * Made per watch, a handler run cost two SUBs, a flush (PING, PONG) and two UNSUBs, and the
 * server a change of its subscription list each time (every job's ingest and each of its chunks).
 */
type EndHub = {
  /** The watched jobs: each job's listeners get its end events (typed or untyped). */
  watchers: Map<string, Set<(m: Msg) => void>>;
  /** Resolves once the server has the subscriptions (a flush after them); null once it failed, so the next watch flushes again. */
  ready: Promise<void> | null;
};
const hubs = new WeakMap<NatsConnection, EndHub>();

function endHubOf(nc: NatsConnection): EndHub {
  let hub = hubs.get(nc);
  if (!hub) {
    const watchers: EndHub["watchers"] = new Map();
    // `mp4t.v1.events.<jobId>[.<type>]`: the job is the subject's fourth token.
    const deliver = (err: Error | null, m: Msg) => {
      if (err) return;
      const listeners = watchers.get(m.subject.split(".", 4)[3] ?? "");
      if (listeners) for (const fn of listeners) fn(m);
    };
    for (const type of STAGE_END_TYPES) nc.subscribe(Subjects.eventsOfType(type), { callback: deliver });
    // A gateway of an earlier release (during a rolling upgrade) publishes on the untyped subject.
    nc.subscribe(Subjects.legacyEvents, { callback: deliver });
    hub = { watchers, ready: null };
    hubs.set(nc, hub);
  }
  return hub;
}

/**
 * Watches a job's end events while a handler runs a long step (an engine, ffmpeg), so a DELETE,
 * or a failure in another replica's chunk, stops the work at once rather than after it. `ready`
 * resolves once the server has the connection's end subscriptions: a handler awaits it before
 * reading the job, so a cancel is either seen in the job record or arrives as an event, never
 * missed. Without a connection (unit tests) nothing is watched and only `parent` aborts.
 */
export function watchJobEndOn(nc: NatsConnection | undefined, jobId: string, parent: AbortSignal): CancelWatch & { ready: Promise<void> } {
  const ac = new AbortController();
  let ended = false;
  let purged = false;
  const onParent = () => ac.abort(parent.reason);
  if (parent.aborted) onParent();
  else parent.addEventListener("abort", onParent, { once: true });
  const onEnd = (m: Msg) => {
    // A typed subject names the end (only ends are subscribed); an untyped one is read.
    const e = JobEvent.safeParse(m.json());
    if (!e.success || !STAGE_ENDS.has(e.data.type)) return;
    ended = true;
    purged ||= e.data.type !== "failed";
    ac.abort(new AppError("CANCELED", `the job was ${e.data.type} while this stage ran`));
  };
  const hub = nc ? endHubOf(nc) : undefined;
  let ready: Promise<void> = Promise.resolve();
  if (nc && hub) {
    let listeners = hub.watchers.get(jobId);
    if (!listeners) hub.watchers.set(jobId, (listeners = new Set()));
    listeners.add(onEnd);
    if (!hub.ready) {
      const flushed = nc.flush();
      hub.ready = flushed;
      flushed.catch(() => {
        if (hub.ready === flushed) hub.ready = null;
      });
    }
    ready = hub.ready;
  }
  return {
    signal: ac.signal,
    ended: () => ended,
    purged: () => purged,
    ready,
    [Symbol.dispose]() {
      parent.removeEventListener("abort", onParent);
      const listeners = hub?.watchers.get(jobId);
      if (listeners?.delete(onEnd) && listeners.size === 0) hub!.watchers.delete(jobId);
    },
  };
}

/** The same through the `JobEvents` port; without one (unit tests) only `parent` aborts. */
export function watchJobEnd(
  events: { watchEnd(jobId: string, parent: AbortSignal): CancelWatch & { ready: Promise<void> } } | undefined,
  jobId: string,
  parent: AbortSignal,
): CancelWatch & { ready: Promise<void> } {
  return events ? events.watchEnd(jobId, parent) : watchJobEndOn(undefined, jobId, parent);
}
