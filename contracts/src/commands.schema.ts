import { z } from "zod";
import { EnhanceOption, JobId, UserId } from "./job.schema.ts";
import type { Stage } from "./subjects.ts";

const JobRef = { v: z.literal(1), jobId: JobId, userId: UserId };

/** critical: probe and validate the upload, extract audio, plan chunks, fan out. */
export const IngestCommand = z.object({ ...JobRef }).strict();

/** high: transcribe one chunk of a job's audio. */
export const TranscribeCommand = z
  .object({
    ...JobRef,
    chunk: z.object({
      index: z.number().int().nonnegative(),
      count: z.number().int().positive(),
      startSec: z.number().nonnegative(),
      endSec: z.number().nonnegative(),
    }),
  })
  .strict();

/** high: label speakers once every chunk is transcribed. */
export const DiarizeCommand = z.object({ ...JobRef }).strict();

/**
 * default: sentences, paragraphs and the requested enhancements; completes the job. With `rerun`
 * (a completed job, `POST /v1/jobs/:id/enhance`): these enhancements again on the current
 * transcript version, saved as a new version.
 */
export const EnhanceCommand = z
  .object({
    ...JobRef,
    rerun: z
      .object({ kinds: z.array(EnhanceOption).min(1).max(10) })
      .strict()
      .optional(),
  })
  .strict();

/**
 * low: delete temporary blobs after a job ends, or everything when it is deleted. `rejected`: the
 * upload was not usable media (a MEDIA_* failure, the user's doing): its blobs go, the record stays.
 */
export const CleanupCommand = z.object({ ...JobRef, reason: z.enum(["completed", "failed", "canceled", "deleted", "expired", "rejected"]) }).strict();

/**
 * low: one attempt at delivering a webhook. `attempt` is the attempt this message makes (1-based);
 * the delivery record decides whether it is still due, so replays and duplicates do nothing.
 */
export const WebhookCommand = z
  .object({
    ...JobRef,
    endpointId: z.string().regex(/^[0-9a-z]{26}$/),
    deliveryId: z.string().regex(/^[0-9a-z]{26}-(completed|failed|canceled)$/),
    attempt: z.number().int().min(1).max(10_000),
  })
  .strict();

export const COMMANDS = {
  ingest: IngestCommand,
  transcribe: TranscribeCommand,
  diarize: DiarizeCommand,
  enhance: EnhanceCommand,
  cleanup: CleanupCommand,
  webhook: WebhookCommand,
} as const satisfies Record<Stage, z.ZodType>;

export type Command<S extends Stage> = z.infer<(typeof COMMANDS)[S]>;
export type IngestCommand = Command<"ingest">;
export type TranscribeCommand = Command<"transcribe">;
export type DiarizeCommand = Command<"diarize">;
export type EnhanceCommand = Command<"enhance">;
export type CleanupCommand = Command<"cleanup">;
export type WebhookCommand = Command<"webhook">;

/** What the dead-letter stream holds: the original message and why it was given up on. */
export const DeadLetter = z.object({
  v: z.literal(1),
  stage: z.string(),
  subject: z.string(),
  data: z.string(),
  error: z.object({ code: z.string(), message: z.string() }),
  deliveries: z.number().int(),
  service: z.string(),
  at: z.iso.datetime(),
  traceId: z.string().optional(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;
