import { COMMANDS, type Command } from "./commands.schema.ts";
import type { JobStep } from "./job.schema.ts";
import { BlobKeys, type Stage } from "./subjects.ts";

/** A job's own blobs, by what they hold; `temporary` ones go when the job completes. */
export const ARTIFACTS = {
  upload: { key: (jobId: string) => BlobKeys.upload(jobId), temporary: false, perChunk: false },
  audio: { key: (jobId: string) => BlobKeys.audio(jobId), temporary: false, perChunk: false },
  chunkAudio: { key: BlobKeys.chunkAudio, temporary: true, perChunk: true },
  chunkResult: { key: BlobKeys.chunkResult, temporary: true, perChunk: true },
  diarized: { key: (jobId: string) => BlobKeys.diarized(jobId), temporary: true, perChunk: false },
  transcript: { key: (jobId: string) => BlobKeys.transcript(jobId), temporary: false, perChunk: false },
} as const;
export type Artifact = keyof typeof ARTIFACTS;

type StageSpec<S extends Stage> = {
  /** The command the stage consumes (its contract). */
  command: (typeof COMMANDS)[S];
  /** The stage it hands the job on to; null for the last. */
  next: Stage | null;
  /** The step the job shows while this stage runs; null: housekeeping, not shown. */
  step: JobStep | null;
  /** Deterministic Nats-Msg-Id of the stage's command: replays and re-sends are deduplicated. */
  messageId: (cmd: Command<S>) => string;
  /** Blobs it writes. */
  produces: readonly Artifact[];
};

/** The pipeline, declared once: what each stage consumes, produces and hands on to. */
export const PIPELINE: { readonly [S in Stage]: StageSpec<S> } = {
  ingest: {
    command: COMMANDS.ingest,
    next: "transcribe",
    step: "ingest",
    messageId: (c) => `ingest:${c.jobId}`,
    produces: ["audio", "chunkAudio"],
  },
  transcribe: {
    command: COMMANDS.transcribe,
    next: "diarize",
    step: "transcribe",
    messageId: (c) => `transcribe:${c.jobId}:${c.chunk.index}`,
    produces: ["chunkResult"],
  },
  diarize: {
    command: COMMANDS.diarize,
    next: "enhance",
    step: "assemble",
    messageId: (c) => `diarize:${c.jobId}`,
    produces: ["diarized"],
  },
  enhance: {
    command: COMMANDS.enhance,
    next: "cleanup",
    step: "enhance",
    // A re-run is a new request each time; the caller names it (`MessageIds.rerun`).
    messageId: (c) => `enhance:${c.jobId}`,
    produces: ["transcript"],
  },
  cleanup: {
    command: COMMANDS.cleanup,
    next: null,
    step: null,
    messageId: (c) => `cleanup:${c.jobId}:${c.reason}`,
    produces: [],
  },
  webhook: {
    // Housekeeping beside the job: one delivery attempt. The webhooks package names first attempts,
    // retries and re-sends apart (`packages/webhooks/src/payload.ts`); this is the plain form.
    command: COMMANDS.webhook,
    next: null,
    step: null,
    messageId: (c) => `webhook:${c.endpointId}:${c.deliveryId}:${c.attempt}`,
    produces: [],
  },
};

/** The Nats-Msg-Id of a pipeline command. */
export const messageId = <S extends Stage>(stage: S, cmd: Command<S>): string => PIPELINE[stage].messageId(cmd);

/** Message ids outside the deterministic per-command ones. */
export const MessageIds = {
  /** A re-run of enhancements (`token` a fresh id: each request is new). */
  rerun: (jobId: string, token: string) => `enhance:${jobId}:rerun:${token}`,
  /** The reaper's re-drive of a stalled stage (per attempt; `chunk` for one transcribe chunk). */
  reap: (jobId: string, stage: Stage, attempt: number, chunk?: number) => `reap:${jobId}:${stage}:${attempt}${chunk === undefined ? "" : `:${chunk}`}`,
  /** An admin's re-drive of dead letter `seq`. */
  redrive: (seq: number) => `redrive:${seq}`,
} as const;

/**
 * Keys of a job's temporary blobs. With the chunk count (the job's plan) every key is known; without
 * it the per-chunk ones are only reachable by `chunksPrefix`.
 */
export function temporaryBlobKeys(jobId: string, chunkCount?: number): string[] {
  const keys: string[] = [];
  for (const a of Object.values(ARTIFACTS)) {
    if (!a.temporary) continue;
    if (!a.perChunk) keys.push((a.key as (jobId: string) => string)(jobId));
    else for (let i = 0; i < (chunkCount ?? 0); i++) keys.push((a.key as (jobId: string, i: number) => string)(jobId, i));
  }
  return keys;
}

/** Where the per-chunk blobs of a job live (a prefix delete when the chunk count is unknown). */
export const chunksPrefix = (jobId: string) => `${BlobKeys.prefix(jobId)}chunks/`;
