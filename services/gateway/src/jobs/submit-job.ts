import { messageId, type Job, type JobOptions } from "@mp4t/contracts";
import { AppError } from "@mp4t/contracts";
import type { Publisher } from "@mp4t/messaging";
import type { BlobStore, JobStore } from "@mp4t/stores";
import type { JobLifecycle } from "@mp4t/pipeline";
import type { FastifyBaseLogger } from "fastify";

export type SubmitDeps = { jobs: JobStore; blobs: BlobStore; publisher: Publisher; lifecycle: JobLifecycle };
export type StoredUpload = { fileName: string; sizeBytes: number; options: JobOptions };

/**
 * The one way a job is created once its media sits in the blob store at `BlobKeys.upload(id)`:
 * POST /v1/jobs (multipart) and the last PATCH of a resumable upload both end here. Stores the
 * record and queues ingest; on failure removes both record and media, so nothing is left half made.
 */
export async function submitJob(
  deps: SubmitDeps,
  ref: { id: string; userId: string; key: string },
  upload: StoredUpload,
  log: FastifyBaseLogger,
): Promise<Job> {
  const { id, userId, key } = ref;
  const now = new Date().toISOString();
  const job: Job = {
    id,
    userId,
    status: "queued",
    progress: 0,
    fileName: upload.fileName,
    sizeBytes: upload.sizeBytes,
    options: upload.options,
    stages: {},
    createdAt: now,
    updatedAt: now,
  };
  /** Removes the record (a timed-out write may still have been stored) and the upload; true if the record is gone. */
  const discard = async () => {
    const gone = await deps.jobs.deleteJob({ userId, jobId: id }).then(
      () => true,
      () => false,
    );
    await deps.blobs.delete(key).catch(() => undefined);
    return gone;
  };
  const unavailable = (err: unknown) => (err instanceof AppError ? err : new AppError("SERVICE_UNAVAILABLE", undefined, { cause: err }));
  try {
    await deps.jobs.createJob(job);
  } catch (err) {
    await discard();
    throw unavailable(err);
  }
  // Before the ingest command, so `queued` is the job's first event: published after it, the
  // ingest worker's `stage.started` could be stored first. The job is queued either way; a lost
  // event only delays what SSE clients see until the next one.
  const announced = await deps.lifecycle.queued(job).then(
    () => true,
    (err: unknown) => (log.warn({ err, jobId: id }, "could not publish the queued event"), false),
  );
  try {
    const ingest = { v: 1 as const, jobId: id, userId };
    await deps.publisher.command("ingest", job.options.class, ingest, messageId("ingest", ingest));
  } catch (err) {
    // Followers (event streams, search indexes) saw it queued: tell them it is gone (if it is:
    // a record left behind is re-driven by the reaper and fails there, with its own event).
    if ((await discard()) && announced) await deps.lifecycle.deleted(job).catch(() => undefined);
    throw unavailable(err);
  }
  return job;
}
