/**
 * Lanes, stages, streams and subjects: the one place that says which work goes where.
 * Subjects are versioned (`v1`) so a breaking message change can run beside the old one.
 */
import type { JobEventType } from "./events.schema.ts";

export const LANES = ["critical", "high", "default", "low"] as const;
export type Lane = (typeof LANES)[number];

export const JOB_CLASSES = ["interactive", "batch"] as const;
export type JobClass = (typeof JOB_CLASSES)[number];

/** Stage -> lane. Mirrors the replaced system's queues (critical 10, high 7, default 5, low 2). */
export const STAGE_LANES = {
  ingest: "critical",
  transcribe: "high",
  diarize: "high",
  enhance: "default",
  cleanup: "low",
  /** One webhook delivery attempt (the janitor POSTs it). */
  webhook: "low",
} as const satisfies Record<string, Lane>;
export type Stage = keyof typeof STAGE_LANES;
export const STAGES = Object.keys(STAGE_LANES) as Stage[];

/** The service that consumes each stage. */
export const STAGE_SERVICES = {
  ingest: "ingest",
  transcribe: "transcriber",
  diarize: "diarizer",
  enhance: "enhancer",
  cleanup: "janitor",
  webhook: "janitor",
} as const satisfies Record<Stage, string>;

export const SERVICE_NAMES = ["gateway", "ingest", "transcriber", "diarizer", "enhancer", "janitor"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const ROOT = "mp4t.v1";

/**
 * Consumers a stream may hold. Every Object Store read, KV key listing, SSE client and job watcher
 * makes a short-lived consumer that the client leaves to expire after 5 minutes of inactivity, and
 * nats-server 2.15 caps a stream at 1000 consumers unless the stream sets its own limit (an unset
 * or -1 limit no longer means unlimited). At ~6 blob reads per job that cap stopped the system at
 * ~0.6 jobs/s under the 1000-user load test. Set on the events, dead-letter and bucket streams.
 */
export const STREAM_MAX_CONSUMERS = 1_000_000;

export const Streams = {
  lane: (lane: Lane) => `MP4T_${lane.toUpperCase()}`,
  events: "MP4T_EVENTS",
  deadLetters: "MP4T_DLQ",
} as const;

/**
 * Per-user fairness: each user's work lands in one of FAIR_BUCKETS buckets (a stable hash of the
 * user id), and workers pull round-robin across the buckets that have work. One user's backlog
 * fills one bucket, so another user's job waits for at most one turn of the round, not the backlog.
 */
export const FAIR_BUCKETS = 8;

/** FNV-1a of the user id, folded to a bucket: stable across processes and releases. */
export function userBucket(userId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) h = Math.imul(h ^ userId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % FAIR_BUCKETS;
}

export const Subjects = {
  /** Every subject of a lane's work-queue stream. */
  lane: (lane: Lane) => `${ROOT}.work.${lane}.>`,
  /**
   * One stage's work for one class of job: `mp4t.v1.work.<lane>.<stage>.b<bucket>.<class>` when
   * the user is known (every pipeline publish), else the bucket-less `...<stage>.<class>`, which
   * bucket 0 also consumes. Either way the class is the last token.
   */
  work: (stage: Stage, cls: JobClass, userId?: string) =>
    userId === undefined ? `${ROOT}.work.${STAGE_LANES[stage]}.${stage}.${cls}` : `${ROOT}.work.${STAGE_LANES[stage]}.${stage}.b${userBucket(userId)}.${cls}`,
  /** A filter for all of one stage's work, or for one class of it across every bucket. */
  stageFilter: (stage: Stage, cls?: JobClass) =>
    cls ? `${ROOT}.work.${STAGE_LANES[stage]}.${stage}.*.${cls}` : `${ROOT}.work.${STAGE_LANES[stage]}.${stage}.>`,
  /** The subjects one fair consumer (stage, class, bucket) serves. */
  fairFilters: (stage: Stage, cls: JobClass, bucket: number): string[] => {
    const bucketed = `${ROOT}.work.${STAGE_LANES[stage]}.${stage}.b${bucket}.${cls}`;
    return bucket === 0 ? [bucketed, `${ROOT}.work.${STAGE_LANES[stage]}.${stage}.${cls}`] : [bucketed];
  },
  events: `${ROOT}.events.>`,
  /**
   * One event of a job: `mp4t.v1.events.<jobId>.<type>`, the type's dots as the subject's
   * (`...<jobId>.stage.started`), so a reader that wants some types only (the janitor's job ends,
   * a stage's cancel watch) filters on the server instead of receiving every progress event.
   */
  jobEvent: (jobId: string, type: JobEventType) => `${ROOT}.events.${jobId}.${type}`,
  /** Every event of one job. */
  jobEvents: (jobId: string) => `${ROOT}.events.${jobId}.>`,
  /** One type of event across every job. */
  eventsOfType: (type: JobEventType) => `${ROOT}.events.*.${type}`,
  /**
   * What releases before 2026-12 published for every event of a job (no type token). Still read
   * until such events expire from the stream: nothing new is published there.
   */
  legacyJobEvents: (jobId: string) => `${ROOT}.events.${jobId}`,
  legacyEvents: `${ROOT}.events.*`,
  deadLetters: `${ROOT}.dlq.>`,
  deadLetter: (stage: Stage) => `${ROOT}.dlq.${stage}`,
} as const;

/** A stage-wide durable consumer (tools and tests); workers use the fair consumers below. */
export const durableName = (stage: Stage) => `${STAGE_SERVICES[stage]}-${stage}`;

/**
 * The durable a service's replicas share for one stage, class and fairness bucket:
 * `<service>-<stage>-<class>-b<bucket>`. Work-queue streams forbid overlapping consumers, so
 * these replace the stage-wide `durableName` consumer, which workers delete at start.
 */
export const fairDurableName = (stage: Stage, cls: JobClass, bucket: number) => `${STAGE_SERVICES[stage]}-${stage}-${cls}-b${bucket}`;

/** NATS micro-service name under which every instance registers for discovery. */
export const discoveryName = (service: ServiceName) => `mp4t-${service}`;

/** Blob keys for one job. Everything a job stores lives under `jobs/<id>/`. */
export const BlobKeys = {
  prefix: (jobId: string) => `jobs/${jobId}/`,
  upload: (jobId: string) => `jobs/${jobId}/upload`,
  audio: (jobId: string) => `jobs/${jobId}/audio.wav`,
  chunkAudio: (jobId: string, index: number) => `jobs/${jobId}/chunks/${index}.wav`,
  chunkResult: (jobId: string, index: number) => `jobs/${jobId}/chunks/${index}.json`,
  diarized: (jobId: string) => `jobs/${jobId}/diarized.json`,
  /** Version 1 of the transcript: the pipeline's original, never overwritten once the job completed. */
  transcript: (jobId: string) => `jobs/${jobId}/transcript.json`,
  /** Version N >= 2; `token` (a fresh id) keeps two writers racing for the same N from overwriting each other. */
  transcriptVersion: (jobId: string, version: number, token: string) => `jobs/${jobId}/transcript.v${version}.${token}.json`,
} as const;

/**
 * A work message's `Nats-Msg-Id` for a job's run: the base id on the first run, `:a<n>` added on a
 * retried run (`POST /v1/jobs/:id/retry`), so the retry's messages are not dropped as duplicates
 * of the failed run's within the streams' duplicate window.
 */
export const runMsgId = (base: string, attempts: number | undefined) => (attempts && attempts > 1 ? `${base}:a${attempts}` : base);

/** The run a message id of `runMsgId` names: 1 without the `:a<n>` suffix (or without an id at all). */
export const runOfMsgId = (id: string | undefined) => Number(/:a(\d+)$/.exec(id ?? "")?.[1] ?? 1);
