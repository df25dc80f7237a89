import { Subjects, type Stage } from "@mp4t/contracts";
import type { JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { errorMessage } from "@mp4t/contracts";
import type { Logger } from "@mp4t/runtime";
import type { LaneScheduler } from "./lane-scheduler.ts";
import { listConsumers } from "./queue-snapshot.ts";

/** A backlog listing that takes longer than this is abandoned (one caught by a reconnect can hang). */
const READ_TIMEOUT_MS = 5_000;

export type LaneWatchOptions = {
  nc: NatsConnection;
  jsm: JetStreamManager;
  stage: Stage;
  stream: string;
  sched: LaneScheduler;
  /** Durable name -> scheduler key, and exact work subject -> scheduler key. */
  keys: Map<string, string>;
  subjectKeys: Map<string, string>;
  logger: Logger;
  halted: () => boolean;
  /** A publish was heard: work waits. */
  onSignal: () => void;
  /** A backlog read finished (successfully or not). */
  onRead: () => void;
  /**
   * Creates the stage's consumers again. They live in the server's memory (topology.ts), so a
   * single-node nats-server restart, or an operator deleting one, leaves the stage without them
   * while its messages wait in the stream.
   */
  restore: () => Promise<void>;
  /**
   * How long the subscription must have been in place (since `listen` or the last reconnect)
   * before an empty read counts as quiet (`quiet()`): in a cluster, the subscription's interest
   * reaches the other servers a moment after it is made, and a publish there before it arrives
   * goes unheard. The worker passes its resync interval, so the first resync covers that window.
   */
  settleMs: number;
};

/**
 * How a worker learns where its stage's work waits, without polling: a core subscription hears
 * every publish to the stage's work subjects (nothing is consumed; the payload is ignored), and
 * `read` lists the stage's consumers in one request (after the stream's count, when it holds
 * anything), for what no publish announces (start, reconnect, redeliveries). A failed read is retried within seconds (JetStream recovering after a
 * restart), not left to the next periodic read. A read that finds one of the stage's consumers
 * missing creates them again (`restore`); after a reconnect the first read always looks.
 */
export function createLaneWatch(o: LaneWatchOptions) {
  let signals: Subscription | undefined;
  let status: (AsyncIterable<{ type: string }> & { stop?: () => void }) | undefined;
  let reading = false;
  let failedReads = 0;
  let lastRead = 0;
  /** Set by a reconnect: reads list the consumers even if the stream is empty, until one finds them all. */
  let verify = false;
  /** A reconnect came while a read ran: read again once it ends. */
  let readAgain = false;
  let restoring = false;
  let restoreFailures = 0;
  /** After a failed restore, none before this time (1 s, doubling up to 30 s). */
  let restoreAfter = 0;
  /** Publishes heard so far (a read that overlaps one does not count as quiet). */
  let heard = 0;
  /** Since when the subscription has heard every publish: `listen`, then each reconnect. */
  let listeningSince = 0;
  /** The subscription was refused: no publish is heard, and reads are all there is. */
  let deaf = false;
  /** The last read ended with the stream empty, nothing heard during it; cleared by a publish heard, a reconnect or a failed read. */
  let empty = false;
  /** Reads begun so far. */
  let readNo = 0;

  /**
   * The lane is a work-queue stream: a message stays until it is acknowledged, so an empty stream
   * means no consumer has anything waiting or unacknowledged. nats-server answers the stream's
   * count from memory, while a listing builds the info of every consumer of the lane (16-32; when
   * they were file-backed it read their state files), and that is what an idle replica's periodic
   * read cost it. Only a lane holding messages is listed (the same listing the queue snapshot
   * starts from, queue-snapshot.ts), or any lane while a reconnect's check is due.
   */
  async function backlog(no: number) {
    const heardBefore = heard;
    const { state } = await o.jsm.streams.info(o.stream);
    if (state.messages === 0 && !verify) {
      for (const key of o.keys.values()) o.sched.update(key, 0, 0);
      empty = heard === heardBefore && no === readNo; // a read abandoned to its timeout may answer after the next began
      return;
    }
    const listing = await listConsumers(o.jsm, o.stream);
    const listed = new Set<string>();
    for (const ci of listing) {
      const key = o.keys.get(ci.name);
      if (!key) continue;
      o.sched.update(key, ci.num_pending, ci.num_ack_pending);
      listed.add(ci.name);
    }
    const missing = [...o.keys].filter(([name]) => !listed.has(name));
    if (!missing.length) return void (verify = false);
    for (const [, key] of missing) o.sched.update(key, 0, 0); // nothing to pull there until it exists again
    restore(missing.length);
  }

  /**
   * Creates the stage's consumers again, outside the read (which has a timeout), one attempt at a
   * time and, after a failure, not before a back-off: a fault that keeps it failing (a consumer
   * limit, no meta leader) must not turn every read and failed pull into 16 creates. A read follows.
   */
  function restore(missing: number) {
    if (restoring || Date.now() < restoreAfter || o.halted()) return;
    restoring = true;
    o.logger.warn({ stage: o.stage, missing }, "the stage's consumers are gone (a NATS restart?): creating them again");
    o.restore().then(
      () => {
        restoring = false;
        restoreFailures = 0;
        void read();
      },
      (err: unknown) => {
        restoring = false;
        restoreAfter = Date.now() + Math.min(30_000, 1000 * 2 ** restoreFailures++);
        o.logger.warn({ stage: o.stage, err: errorMessage(err) }, "creating the stage's consumers again failed");
      },
    );
  }

  async function read() {
    if (reading) return void (readAgain ||= verify);
    reading = true;
    lastRead = Date.now();
    empty = false;
    try {
      const listing = backlog(++readNo);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        listing,
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("lane backlog listing timed out")), READ_TIMEOUT_MS))),
      ]).finally(() => clearTimeout(timer));
      failedReads = 0;
    } catch (err) {
      // A worker stopping drains its connection: a read that fails then is the stop, not a fault.
      if (o.halted()) o.logger.debug({ stage: o.stage, err: errorMessage(err) }, "reading the lane backlog failed while stopping");
      else {
        o.logger.warn({ stage: o.stage, err: errorMessage(err) }, "reading the lane backlog failed");
        setTimeout(() => void read(), Math.min(5000, 500 * 2 ** failedReads++)).unref();
      }
    } finally {
      reading = false;
    }
    o.onRead();
    if (readAgain && !o.halted()) {
      readAgain = false;
      void read();
    }
  }

  return {
    read,
    /** When the backlog was last read (ms since the epoch). */
    lastRead: () => lastRead,
    /**
     * True when nothing can wait unannounced: the last read found the stream empty, and every
     * publish since would have been heard. The lane is a work-queue stream, so a message that a
     * dead replica held unacknowledged (an ack-wait expiry, which no publish announces) keeps the
     * stream from being empty; what an empty stream can only gain is a publish, and the
     * subscription hears those. Not while the subscription is new (`settleMs`), after a
     * reconnect until a read, or when it was refused.
     */
    quiet: () => empty && !deaf && lastRead - listeningSince >= o.settleMs,
    /** Starts hearing publishes; call before the first read so nothing published in between is missed. */
    listen() {
      listeningSince = Date.now();
      signals = o.nc.subscribe(Subjects.stageFilter(o.stage), {
        callback: (err, msg) => {
          // A refused subscription (a permission table without this stage's work subjects) would
          // otherwise leave dispatch to the slow resync without a word.
          if (err) {
            deaf = true;
            empty = false;
            return void o.logger.error({ stage: o.stage, err: errorMessage(err) }, "dispatch signals lost: subscription refused");
          }
          heard++;
          empty = false;
          const key = o.subjectKeys.get(msg.subject);
          if (!key) return;
          o.sched.signal(key);
          o.onSignal();
        },
      });
      // Publishes made while the connection was down went unheard: read once it is back.
      const s = o.nc.status() as AsyncIterable<{ type: string }> & { stop?: () => void };
      status = s;
      void (async () => {
        for await (const e of s)
          if (e.type === "reconnect" && !o.halted()) {
            listeningSince = Date.now();
            empty = false;
            verify = true;
            void read();
          }
      })().catch(() => undefined);
    },
    stop() {
      signals?.unsubscribe();
      signals = undefined;
      status?.stop?.();
    },
  };
}

export type LaneWatch = ReturnType<typeof createLaneWatch>;
