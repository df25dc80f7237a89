import {
  JOB_CLASSES, STAGE_LANES, STAGES, Streams, durableName,
  type JobClass, type Lane, type Stage,
} from "@mp4t/contracts";
import type { ConsumerInfo, JetStreamManager } from "@nats-io/jetstream";

/** One stage's queue as JetStream sees it: what Prometheus, /v1/admin/health and the dashboard show. */
export type StageBacklog = {
  lane: Lane;
  stage: Stage;
  stream: string;
  consumer: string;
  /** Messages of the stage in the work-queue stream (waiting or being worked on), by job class. */
  byClass: Record<JobClass, number>;
  /** Not yet delivered to any replica. */
  pending: number;
  /** Delivered and not yet acknowledged: being worked on (or about to be redelivered). */
  ackPending: number;
  redelivered: number;
  /** Pull requests waiting: idle worker loops. */
  waitingPulls: number;
  paused: boolean;
  pauseUntil: string | null;
  /** Age of the oldest message of the stage still in the stream; null when there is none. */
  oldestAgeSec: number | null;
  /** False when the durable consumer does not exist yet (its service never started). */
  consumerExists: boolean;
};

const isNotFound = (err: unknown) => /not found|no message/i.test(String((err as Error)?.message));

/** Every consumer of a stream (a lane has a few per stage: one per class and fairness bucket). */
async function listConsumers(jsm: JetStreamManager, stream: string): Promise<ConsumerInfo[]> {
  const out: ConsumerInfo[] = [];
  for await (const ci of jsm.consumers.list(stream)) out.push(ci);
  return out;
}

/** A stage's consumers: the stage-wide durable and the per-class/bucket ones named after it. */
const ofStage = (stage: Stage) => (ci: ConsumerInfo) => ci.name === durableName(stage) || ci.name.startsWith(`${durableName(stage)}-`);

async function oldestAgeSec(jsm: JetStreamManager, stream: string, filter: string, now: number): Promise<number | null> {
  try {
    // The server's MSG.GET takes `next_by_subj`; the client's type lists it only for direct gets.
    const m = await jsm.streams.getMessage(stream, { seq: 1, next_by_subj: filter } as unknown as { seq: number });
    return m ? Math.max(0, (now - m.time.getTime()) / 1000) : null;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

async function stageBacklog(jsm: JetStreamManager, stage: Stage, consumers: ConsumerInfo[], now: number): Promise<StageBacklog> {
  const lane = STAGE_LANES[stage];
  const stream = Streams.lane(lane);
  const filter = `mp4t.v1.work.${lane}.${stage}.>`;
  const [si, oldest] = await Promise.all([jsm.streams.info(stream, { subjects_filter: filter }), oldestAgeSec(jsm, stream, filter, now)]);
  const byClass = Object.fromEntries(JOB_CLASSES.map((c) => [c, 0])) as Record<JobClass, number>;
  // The class is always the subject's last token (bucketed or not).
  for (const [subject, n] of Object.entries(si.state.subjects ?? {})) {
    const cls = subject.slice(subject.lastIndexOf(".") + 1) as JobClass;
    if (cls in byClass) byClass[cls] += n;
  }
  const mine = consumers.filter(ofStage(stage));
  const sum = (f: (ci: ConsumerInfo) => number) => mine.reduce((a, ci) => a + f(ci), 0);
  const paused = mine.find((ci) => ci.paused);
  return {
    lane, stage, stream, consumer: mine.length === 1 ? mine[0]!.name : `${durableName(stage)}${mine.length > 1 ? `-* (${mine.length})` : ""}`, byClass,
    pending: mine.length ? sum((ci) => ci.num_pending) : Object.values(byClass).reduce((a, b) => a + b, 0),
    ackPending: sum((ci) => ci.num_ack_pending),
    redelivered: sum((ci) => ci.num_redelivered),
    waitingPulls: sum((ci) => ci.num_waiting),
    paused: paused !== undefined,
    pauseUntil: paused?.config.pause_until ?? null,
    oldestAgeSec: oldest,
    consumerExists: mine.length > 0,
  };
}

/** Backlog of the given stages (default: all), from consumer and stream info. */
export async function laneBacklog(jsm: JetStreamManager, stages: readonly Stage[] = STAGES): Promise<StageBacklog[]> {
  const now = Date.now();
  const streams = [...new Set(stages.map((s) => Streams.lane(STAGE_LANES[s])))];
  const consumers = new Map(await Promise.all(streams.map(async (st) => [st, await listConsumers(jsm, st)] as const)));
  return Promise.all(stages.map((s) => stageBacklog(jsm, s, consumers.get(Streams.lane(STAGE_LANES[s]))!, now)));
}

/** The stages a lane carries. */
export const laneStages = (lane: Lane): Stage[] => STAGES.filter((s) => STAGE_LANES[s] === lane);

/**
 * Pauses (until `until`) or resumes every consumer of a lane's stages. A paused consumer hands
 * out nothing; messages keep queueing and flow again on resume. Needs nats-server 2.11+.
 */
export async function setLanePaused(jsm: JetStreamManager, lane: Lane, until: Date | null): Promise<{ stage: Stage; consumer: string; paused: boolean; pauseUntil: string | null }[]> {
  const stream = Streams.lane(lane);
  const consumers = await listConsumers(jsm, stream);
  const targets = laneStages(lane).flatMap((stage) => consumers.filter(ofStage(stage)).map((ci) => ({ stage, name: ci.name })));
  if (!targets.length) throw new Error(`consumer not found: lane ${lane} has none yet`);
  return Promise.all(targets.map(async ({ stage, name }) => {
    const r = until ? await jsm.consumers.pause(stream, name, until) : await jsm.consumers.resume(stream, name);
    return { stage, consumer: name, paused: r.paused, pauseUntil: r.pause_until ?? null };
  }));
}
