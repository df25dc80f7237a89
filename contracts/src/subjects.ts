/**
 * Lanes, stages, streams and subjects: the one place that says which work goes where.
 * Subjects are versioned (`v1`) so a breaking message change can run beside the old one.
 */
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
} as const satisfies Record<Stage, string>;

export const SERVICE_NAMES = ["gateway", "ingest", "transcriber", "diarizer", "enhancer", "janitor"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const ROOT = "mp4t.v1";

export const Streams = {
  lane: (lane: Lane) => `MP4T_${lane.toUpperCase()}`,
  events: "MP4T_EVENTS",
  deadLetters: "MP4T_DLQ",
} as const;

export const Subjects = {
  /** Every subject of a lane's work-queue stream. */
  lane: (lane: Lane) => `${ROOT}.work.${lane}.>`,
  /** One stage's work for one class of job. */
  work: (stage: Stage, cls: JobClass) => `${ROOT}.work.${STAGE_LANES[stage]}.${stage}.${cls}`,
  /** A consumer filter for one stage (all classes) or one class of it. */
  stageFilter: (stage: Stage, cls?: JobClass) =>
    `${ROOT}.work.${STAGE_LANES[stage]}.${stage}.${cls ?? "*"}`,
  events: `${ROOT}.events.>`,
  jobEvents: (jobId: string) => `${ROOT}.events.${jobId}`,
  deadLetters: `${ROOT}.dlq.>`,
  deadLetter: (stage: Stage) => `${ROOT}.dlq.${stage}`,
} as const;

/** Durable consumer names: replicas of a service share one, so adding a replica adds throughput. */
export const durableName = (stage: Stage) => `${STAGE_SERVICES[stage]}-${stage}`;

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
  transcript: (jobId: string) => `jobs/${jobId}/transcript.json`,
} as const;
