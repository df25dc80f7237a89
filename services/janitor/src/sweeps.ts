import { readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobKeys, isTerminal } from "@mp4t/contracts";
import type { BlobStore, JobStore } from "@mp4t/stores";
import { deleteTemporaryBlobs } from "./handlers/cleanup.handler.ts";

/** Deletes the upload and audio of jobs that ended more than `retentionMs` ago. */
export async function sweepExpiredMedia(deps: { jobs: JobStore; blobs: BlobStore }, retentionMs: number, now = Date.now()) {
  let expired = 0;
  for await (const job of deps.jobs.scanJobs()) {
    if (!isTerminal(job.status) || job.mediaDeletedAt) continue;
    if (now - Date.parse(job.updatedAt) < retentionMs) continue;
    await deps.blobs.delete(BlobKeys.upload(job.id));
    await deps.blobs.delete(BlobKeys.audio(job.id));
    // A failed job kept its temporary blobs for a re-drive until now.
    await deleteTemporaryBlobs(deps.blobs, job.id, job.chunks?.count);
    await deps.jobs.updateJob({ userId: job.userId, jobId: job.id }, (j) => ({ ...j, mediaDeletedAt: new Date(now).toISOString() }));
    expired++;
  }
  return expired;
}

/** Every service's scratch directory is `<tmp>/mp4t-*`; remove the ones left behind by crashes. */
export async function sweepTempDirs(maxAgeMs: number, dir = tmpdir(), now = Date.now()) {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith("mp4t-")) continue;
    const path = join(dir, name);
    const s = await stat(path).catch(() => null);
    if (s && now - s.mtimeMs > maxAgeMs) {
      await rm(path, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
