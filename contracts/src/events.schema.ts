import { z } from "zod";
import { JOB_STEPS, JobError, JobId, JobStatus, UserId } from "./job.schema.ts";

export const JOB_EVENT_TYPES = [
  "queued",
  "stage.started",
  "progress",
  "stage.done",
  "completed",
  "failed",
  "canceled",
  // After completion: a new transcript version (edit, speaker names, re-run enhancements). `deleted`:
  // any DELETE (after `canceled` for a job that was running), and after `queued` when the upload's
  // ingest command could not be queued.
  "transcript.updated",
  "deleted",
] as const;
export type JobEventType = (typeof JOB_EVENT_TYPES)[number];

/** A job's state change, published on `mp4t.v1.events.<jobId>.<type>` (`Subjects.jobEvent`) for SSE, webhooks and audit. */
export const JobEvent = z
  .object({
    v: z.literal(1),
    type: z.enum(JOB_EVENT_TYPES),
    jobId: JobId,
    userId: UserId,
    status: JobStatus,
    progress: z.number().min(0).max(1),
    stage: z.enum(JOB_STEPS).optional(),
    error: JobError.optional(),
    /** transcript.updated: the new current transcript version. */
    version: z.number().int().min(1).optional(),
    at: z.iso.datetime(),
  })
  .strict();
export type JobEvent = z.infer<typeof JobEvent>;
export const isTerminalEvent = (e: JobEvent) => e.type === "completed" || e.type === "failed" || e.type === "canceled";
