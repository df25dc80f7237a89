import { z } from "zod";
import { JOB_CLASSES } from "./subjects.ts";

export const JobId = z.string().regex(/^[0-9a-z]{26}$/, "a job id is 26 lowercase base32 characters");
export const UserId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const JOB_STATUSES = ["queued", "processing", "completed", "failed", "canceled"] as const;
export const JobStatus = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatus>;

/** Legal transitions; anything else is rejected by the job store's callers. */
export const JOB_TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  queued: ["processing", "failed", "canceled"],
  processing: ["completed", "failed", "canceled"],
  completed: [],
  failed: [],
  canceled: [],
};
export const isTerminal = (s: JobStatus) => JOB_TRANSITIONS[s].length === 0;
export const canTransition = (from: JobStatus, to: JobStatus) => (from === to ? !isTerminal(from) : JOB_TRANSITIONS[from].includes(to));

/** The work stages of one job, in order (the wire names; `cleanup` is housekeeping). */
export const PIPELINE_STAGES = ["ingest", "transcribe", "diarize", "enhance"] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];
/**
 * The steps a job shows (`Job.stages`), in order. The wire stage `diarize` (its subjects, consumers
 * and dead letters keep that name) runs two of them: `assemble` stitches the chunk transcripts and
 * builds segments, always; `diarize` labels speakers and is `skipped` when the job asks for none.
 */
export const JOB_STEPS = ["ingest", "transcribe", "assemble", "diarize", "enhance"] as const;
export type JobStep = (typeof JOB_STEPS)[number];
export const StageStatus = z.enum(["pending", "running", "done", "failed", "skipped"]);
export const StageState = z.object({
  status: StageStatus,
  startedAt: z.iso.datetime().optional(),
  finishedAt: z.iso.datetime().optional(),
});
export type StageState = z.infer<typeof StageState>;

export const EnhanceOption = z.union([
  z.enum(["clean", "summary", "notes"]),
  z.string().regex(/^translate:[a-z]{2,3}(-[A-Za-z]{2,4})?$/, 'use "translate:<language code>", e.g. "translate:de"'),
]);

/** Options a client may send with an upload. Unknown fields are rejected, not ignored. */
export const JobOptions = z
  .object({
    language: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/)
      .default("en"),
    diarize: z.boolean().default(true),
    speakers: z.number().int().min(1).max(20).optional(),
    /** Bounds on the number of speakers when the exact number is not known. */
    minSpeakers: z.number().int().min(1).max(20).optional(),
    maxSpeakers: z.number().int().min(1).max(20).optional(),
    enhance: z.array(EnhanceOption).max(10).default([]),
    class: z.enum(JOB_CLASSES).default("interactive"),
    engine: z
      .string()
      .regex(/^[a-z0-9-]{1,32}$/)
      .optional(),
    /** Which audio stream to transcribe, counted among the audio streams from 0; the first when absent. */
    audioTrack: z.number().int().min(0).max(63).optional(),
  })
  .strict()
  .refine((o) => o.minSpeakers === undefined || o.maxSpeakers === undefined || o.minSpeakers <= o.maxSpeakers, {
    path: ["maxSpeakers"],
    message: "maxSpeakers must be at least minSpeakers",
  })
  .refine((o) => o.speakers === undefined || ((o.minSpeakers ?? 1) <= o.speakers && o.speakers <= (o.maxSpeakers ?? 20)), {
    path: ["speakers"],
    message: "speakers must lie within minSpeakers..maxSpeakers",
  });
export type JobOptions = z.infer<typeof JobOptions>;
export type JobOptionsInput = z.input<typeof JobOptions>;

/** One audio stream of the upload; `index` counts audio streams only, as the `audioTrack` option does. */
export const AudioTrack = z.object({
  index: z.number().int().nonnegative(),
  codec: z.string(),
  language: z.string().max(35).optional(),
  channels: z.number().int().positive().optional(),
});
export type AudioTrack = z.infer<typeof AudioTrack>;

export const MediaInfo = z.object({
  durationSec: z.number().nonnegative(),
  container: z.string(),
  /** The codec (and below, rate and channels) of the audio track transcribed. */
  audioCodec: z.string(),
  sampleRate: z.number().int().positive().optional(),
  channels: z.number().int().positive().optional(),
  hasVideo: z.boolean(),
  audioTracks: z.array(AudioTrack).max(64).optional(),
  /** The index (among `audioTracks`) that was transcribed. */
  audioTrack: z.number().int().nonnegative().optional(),
});

/** Things a user should know about a job that did not stop it (codes are stable, like error codes). */
export const NOTICE_CODES = {
  SEVERAL_AUDIO_TRACKS: "The media has several audio tracks and the job named none (option audioTrack); the first was transcribed.",
  NO_SPEECH: "No speech was found in the recording; the transcript is empty.",
} as const;
export type NoticeCode = keyof typeof NOTICE_CODES;
export const JobNotice = z.object({ code: z.enum(Object.keys(NOTICE_CODES) as [NoticeCode, ...NoticeCode[]]), message: z.string().max(500) });
export type JobNotice = z.infer<typeof JobNotice>;
export type MediaInfo = z.infer<typeof MediaInfo>;

export const JobError = z.object({ code: z.string(), message: z.string() });

/** Versions a transcript keeps (the engine's original and every correction); past this, edits are refused. */
export const MAX_TRANSCRIPT_VERSIONS = 500;

/** One version of a job's transcript: who made it and where its blob is. */
export const TranscriptVersionInfo = z.object({
  version: z.number().int().min(1),
  /** engine: the pipeline's original (version 1); edit: segment corrections; speakers: names; enhance: re-run enhancements. */
  kind: z.enum(["engine", "edit", "speakers", "enhance"]),
  at: z.iso.datetime(),
  /** The blob's unique part (`BlobKeys.transcriptVersion`); version 1 is `transcript.json` and has none. */
  blob: z
    .string()
    .regex(/^[0-9a-z]{26}$/)
    .optional(),
});
export type TranscriptVersionInfo = z.infer<typeof TranscriptVersionInfo>;

/** A completed job's transcript history; absent until the first change (only version 1 exists). */
export const TranscriptHistory = z.object({
  version: z.number().int().min(1),
  versions: z.array(TranscriptVersionInfo).max(MAX_TRANSCRIPT_VERSIONS),
});
export type TranscriptHistory = z.infer<typeof TranscriptHistory>;

export const Job = z.object({
  id: JobId,
  userId: UserId,
  status: JobStatus,
  progress: z.number().min(0).max(1),
  fileName: z.string().max(512),
  sizeBytes: z.number().int().nonnegative(),
  options: JobOptions,
  stages: z.partialRecord(z.enum(JOB_STEPS), StageState),
  media: MediaInfo.optional(),
  chunks: z
    .object({
      count: z.number().int().nonnegative(),
      done: z.array(z.number().int()),
      /**
       * Chained (fair share between one user's jobs): ingest queues the first `window` chunks and
       * each chunk i queues chunk i + window (the next of its chain not done), as it starts while
       * its replica has a slot free, else as it ends, so a long job fills the free slots yet keeps
       * nothing waiting ahead of its owner's next job once they are full. Absent: all were queued at once.
       */
      window: z.number().int().positive().optional(),
      /**
       * [startSec, endSec] of every chunk (ingest's plan, persisted): the transcriber queues the next
       * chunk from it, and the reaper resumes a stalled transcribe stage by re-sending the missing ones.
       */
      plan: z.array(z.tuple([z.number().nonnegative(), z.number().nonnegative()])).optional(),
      /**
       * Seconds the transcriber's slots spent on the chunks recorded done (each from its handler's
       * start to its result stored; added with the chunk, once). The queue estimator's pace: unlike
       * the stage's start to finish, it holds no wait for a slot busy with other jobs' chunks.
       */
      busySec: z.number().nonnegative().optional(),
      /** How many chunks `busySec` covers: the pace is learnt only from a job whose every chunk was timed. */
      busyChunks: z.number().int().nonnegative().optional(),
    })
    .optional(),
  error: JobError.optional(),
  /** What the user should know about a job that went through (several audio tracks, no speech). */
  notices: z.array(JobNotice).max(20).optional(),
  /** Set on completion: true when the recording holds no speech the engine could transcribe. */
  noSpeech: z.boolean().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  completedAt: z.iso.datetime().optional(),
  /** Times the janitor's reaper re-drove a stalled stage of this job (it fails the job past a limit). */
  reaped: z.number().int().nonnegative().optional(),
  /** Runs of the job: 1 at upload, one more per `POST /v1/jobs/:id/retry` and per admin re-drive of its dead letter (absent: 1). */
  attempts: z.number().int().positive().optional(),
  /** Set when the janitor removed the upload and audio after the retention period. */
  mediaDeletedAt: z.iso.datetime().optional(),
  /** The current transcript version and the list of versions, once the transcript has been changed. */
  transcript: TranscriptHistory.optional(),
});
export type Job = z.infer<typeof Job>;

/**
 * One login session (a refresh-token family). `gen` counts rotations: a refresh token carries the
 * generation it was issued at, so presenting an older one (a stolen, already rotated token) is
 * detected and revokes the whole family.
 */
export const Session = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  gen: z.number().int().nonnegative(),
  createdAt: z.iso.datetime(),
  /** The refresh token's expiry; the access tokens of a session die with it. */
  expiresAt: z.iso.datetime(),
});
export type Session = z.infer<typeof Session>;

/** Sessions kept per user; the oldest is dropped (logged out) when a login would pass it. */
export const MAX_SESSIONS_PER_USER = 20;

/**
 * Where a job stands in line (computed when it is read, never stored): the stage it waits at,
 * how many messages of that stage are dispatched before its own, and estimates of when its
 * stage starts and when the whole job finishes, from the stages' measured throughput. An
 * estimate is null until there is a rate to base it on.
 */
export const JobQueue = z.object({
  stage: z.enum(PIPELINE_STAGES),
  position: z.number().int().nonnegative(),
  estimatedStartAt: z.iso.datetime().nullable(),
  estimatedFinishAt: z.iso.datetime().nullable(),
});
export type JobQueue = z.infer<typeof JobQueue>;

export const User = z.object({
  id: UserId,
  email: z.email(),
  passwordHash: z.string(),
  role: z.enum(["user", "admin"]),
  createdAt: z.iso.datetime(),
  /** A disabled user cannot log in, and its tokens stop working (within the gateway's auth cache). */
  disabled: z.boolean().optional(),
  /** Live sessions; an access token is valid only while its session is listed here. */
  sessions: z.array(Session).max(MAX_SESSIONS_PER_USER).optional(),
});
export type User = z.infer<typeof User>;
