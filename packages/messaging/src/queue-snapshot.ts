import {
  FAIR_BUCKETS,
  JOB_CLASSES,
  STAGE_LANES,
  STAGES,
  Streams,
  Subjects,
  durableName,
  fairDurableName,
  type JobClass,
  type Lane,
  type Stage,
} from "@mp4t/contracts";
import type { ConsumerInfo, JetStreamManager } from "@nats-io/jetstream";
import { nextBySubject, workSubjectCell } from "./stream-read.ts";

/** A consumer's counts as the server reports them. */
export type ConsumerCounts = {
  name: string;
  pending: number;
  ackPending: number;
  redelivered: number;
  waitingPulls: number;
  paused: boolean;
  pauseUntil: string | null;
};

/**
 * One stage x class x fairness bucket of a lane's work-queue stream. `cls` and `bucket` are null
 * only for a stage-wide durable (tools and tests), which serves every class and bucket at once.
 */
export type QueueCell = {
  lane: Lane;
  stage: Stage;
  cls: JobClass | null;
  bucket: number | null;
  /** Messages stored on the cell's subjects: waiting or being worked on (work queues keep them until acked). */
  stored: number;
  /** Its consumer; null while the stage's service never started. */
  consumer: ConsumerCounts | null;
  /**
   * Store time (ms) of the oldest waiting message: not yet delivered to any replica (after the
   * consumer's delivered sequence; every stored one when there is no consumer). Null: none waits.
   */
  oldestWaitingAt: number | null;
};

export type QueueSnapshot = { at: number; cells: QueueCell[] };

const counts = (ci: ConsumerInfo): ConsumerCounts => ({
  name: ci.name,
  pending: Math.max(ci.num_pending, 0),
  ackPending: ci.num_ack_pending,
  redelivered: ci.num_redelivered,
  waitingPulls: ci.num_waiting,
  paused: ci.paused === true,
  pauseUntil: ci.config.pause_until ?? null,
});

/** Every consumer of a stream (a lane has one per stage, class and fairness bucket). */
export async function listConsumers(jsm: JetStreamManager, stream: string): Promise<ConsumerInfo[]> {
  const out: ConsumerInfo[] = [];
  for await (const ci of jsm.consumers.list(stream)) out.push(ci);
  return out;
}

async function oldestAfter(jsm: JetStreamManager, stream: string, subjects: string[], seq: number): Promise<number | null> {
  const times = await Promise.all(
    subjects.map((s) =>
      nextBySubject(jsm, stream, s, seq).then(
        (m) => m?.time.getTime() ?? null,
        () => null,
      ),
    ),
  );
  const found = times.filter((t): t is number => t !== null);
  return found.length ? Math.min(...found) : null;
}

async function stageCells(jsm: JetStreamManager, stage: Stage, consumers: ConsumerInfo[]): Promise<QueueCell[]> {
  const lane = STAGE_LANES[stage];
  const stream = Streams.lane(lane);
  const info = await jsm.streams.info(stream, { subjects_filter: Subjects.stageFilter(stage) });
  const byName = new Map(consumers.map((ci) => [ci.name, ci]));
  const cells = new Map<string, QueueCell & { filters: string[]; from: number }>();
  for (const cls of JOB_CLASSES) {
    for (let bucket = 0; bucket < FAIR_BUCKETS; bucket++) {
      const ci = byName.get(fairDurableName(stage, cls, bucket));
      cells.set(`${cls}.${bucket}`, {
        lane,
        stage,
        cls,
        bucket,
        stored: 0,
        consumer: ci ? counts(ci) : null,
        oldestWaitingAt: null,
        filters: Subjects.fairFilters(stage, cls, bucket),
        from: ci ? ci.delivered.stream_seq + 1 : 1,
      });
    }
  }
  for (const [subject, n] of Object.entries(info.state.subjects ?? {})) {
    const at = workSubjectCell(subject);
    const cell = at && cells.get(`${at.cls}.${at.bucket}`);
    if (cell) cell.stored += n;
  }
  const wide = byName.get(durableName(stage));
  if (wide) {
    cells.set("*", {
      lane,
      stage,
      cls: null,
      bucket: null,
      stored: 0,
      consumer: counts(wide),
      oldestWaitingAt: null,
      filters: [Subjects.stageFilter(stage)],
      from: wide.delivered.stream_seq + 1,
    });
  }
  await Promise.all(
    [...cells.values()].map(async (c) => {
      const waits = c.consumer ? c.consumer.pending > 0 : c.stored > 0;
      if (waits) c.oldestWaitingAt = await oldestAfter(jsm, stream, c.filters, c.from);
    }),
  );
  return [...cells.values()].map(({ filters: _f, from: _s, ...cell }) => cell);
}

/** One snapshot of the given stages' queues (default: all): the one read every queue view projects. */
export async function readQueues(jsm: JetStreamManager, stages: readonly Stage[] = STAGES): Promise<QueueSnapshot> {
  const at = Date.now();
  const streams = [...new Set(stages.map((s) => Streams.lane(STAGE_LANES[s])))];
  const consumers = new Map(await Promise.all(streams.map(async (st) => [st, await listConsumers(jsm, st)] as const)));
  const cells = await Promise.all(stages.map((s) => stageCells(jsm, s, consumers.get(Streams.lane(STAGE_LANES[s]))!)));
  return { at, cells: cells.flat() };
}
