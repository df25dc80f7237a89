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
  /** Set by a reconnect: the next read lists the consumers even if the stream is empty, to see that they survived. */
  let verify = false;

  /**
   * The lane is a work-queue stream: a message stays until it is acknowledged, so an empty stream
   * means no consumer has anything waiting or unacknowledged. nats-server answers the stream's
   * count from memory, while a listing reads every consumer's state file (16-32 a lane), and that
   * is what an idle replica's periodic read cost it. Only a lane holding messages is listed (the
   * same listing the queue snapshot starts from, queue-snapshot.ts).
   */
  async function backlog() {
    const { state } = await o.jsm.streams.info(o.stream);
    if (state.messages === 0 && !verify) {
      for (const key of o.keys.values()) o.sched.update(key, 0, 0);
      return;
    }
    let listing = await listConsumers(o.jsm, o.stream);
    const missing = [...o.keys.keys()].filter((name) => !listing.some((ci) => ci.name === name));
    if (missing.length) {
      o.logger.warn({ stage: o.stage, missing: missing.length }, "the stage's consumers are gone (a NATS restart?): creating them again");
      await o.restore();
      listing = await listConsumers(o.jsm, o.stream);
    }
    verify = false;
    for (const ci of listing) {
      const key = o.keys.get(ci.name);
      if (key) o.sched.update(key, ci.num_pending, ci.num_ack_pending);
    }
  }

  async function read() {
    if (reading) return;
    reading = true;
    lastRead = Date.now();
    try {
      const listing = backlog();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        listing,
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("lane backlog listing timed out")), READ_TIMEOUT_MS))),
      ]).finally(() => clearTimeout(timer));
      failedReads = 0;
    } catch (err) {
      o.logger.warn({ stage: o.stage, err: errorMessage(err) }, "reading the lane backlog failed");
      if (!o.halted()) setTimeout(() => void read(), Math.min(5000, 500 * 2 ** failedReads++)).unref();
    } finally {
      reading = false;
    }
    o.onRead();
  }

  return {
    read,
    /** When the backlog was last read (ms since the epoch). */
    lastRead: () => lastRead,
    /** Starts hearing publishes; call before the first read so nothing published in between is missed. */
    listen() {
      signals = o.nc.subscribe(Subjects.stageFilter(o.stage), {
        callback: (err, msg) => {
          // A refused subscription (a permission table without this stage's work subjects) would
          // otherwise leave dispatch to the slow resync without a word.
          if (err) return void o.logger.error({ stage: o.stage, err: errorMessage(err) }, "dispatch signals lost: subscription refused");
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
