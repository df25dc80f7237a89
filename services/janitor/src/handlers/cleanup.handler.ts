import { BlobKeys, chunksPrefix, temporaryBlobKeys, type Command } from "@mp4t/contracts";
import type { PipelineDeps } from "@mp4t/pipeline";

/**
 * A finished job's temporary blobs (contracts' ARTIFACTS: chunk audio and results, the
 * pre-enhancement transcript). With the chunk count known (the job record's plan) they are deleted
 * by key (their metadata read in one request); a prefix delete has to list the store, which on NATS Object Store reads every object
 * entry ever written.
 */
export async function deleteTemporaryBlobs(blobs: PipelineDeps["blobs"], jobId: string, chunkCount?: number): Promise<number> {
  const n = chunkCount === undefined ? await blobs.deletePrefix(chunksPrefix(jobId)) : 0;
  return n + (await blobs.deleteMany(temporaryBlobKeys(jobId, chunkCount)));
}

/**
 * cleanup: after a job ends, drop its temporary blobs; after DELETE, drop everything it stored
 * and its record. A failed job keeps them until the retention sweep, so an admin's dead-letter
 * re-drive can resume it at the stage that failed; a `rejected` upload (unusable media, never
 * dead-lettered) has nothing to resume, so its blobs go now and only the record stays.
 * Idempotent: deleting what is gone is a no-op.
 */
export function cleanupHandler(deps: Pick<PipelineDeps, "blobs" | "jobs" | "logger">) {
  return async (msg: Command<"cleanup">) => {
    const ref = { userId: msg.userId, jobId: msg.jobId };
    if (msg.reason === "deleted") {
      const n = await deps.blobs.deletePrefix(BlobKeys.prefix(msg.jobId));
      await deps.jobs.deleteJob(ref);
      deps.logger.info({ jobId: msg.jobId, blobs: n }, "job purged");
      return;
    }
    if (msg.reason === "failed") return;
    if (msg.reason === "rejected") {
      const n = await deps.blobs.deletePrefix(BlobKeys.prefix(msg.jobId));
      deps.logger.info({ jobId: msg.jobId, blobs: n }, "rejected upload removed");
      return;
    }
    const job = await deps.jobs.getJob(ref);
    const n = await deleteTemporaryBlobs(deps.blobs, msg.jobId, job?.chunks?.count);
    deps.logger.debug({ jobId: msg.jobId, blobs: n, reason: msg.reason }, "temporary blobs removed");
  };
}
