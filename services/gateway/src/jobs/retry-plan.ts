import { BlobKeys, PIPELINE_STAGES, type Job, type PipelineStage } from "@mp4t/contracts";
import type { BlobStore } from "@mp4t/stores";

/** Where a retried job starts: the stage's command, and whether the job's stage record starts over. */
export type RetryPlan = { stage: "ingest" | "diarize" | "enhance"; restart: boolean };

/** The first stage not done: where the job failed. */
const failedStage = (job: Job): PipelineStage => PIPELINE_STAGES.find((s) => !["done", "skipped"].includes(job.stages[s]?.status ?? "pending")) ?? "enhance";

/**
 * How to retry a failed job: from the stage that failed when its inputs are still stored, else
 * from ingest with the stage record cleared. A transcribe failure resumes through ingest, which
 * re-plans the same chunks and queues those not done (chunks with a stored result skip the
 * engine). Null when the upload is gone (a rejected upload, or past retention): nothing to run on.
 */
export async function planRetry(job: Job, blobs: Pick<BlobStore, "stat">): Promise<RetryPlan | null> {
  if (job.mediaDeletedAt || !(await blobs.stat(BlobKeys.upload(job.id)))) return null;
  const has = async (keys: string[]) => (await Promise.all(keys.map((k) => blobs.stat(k)))).every(Boolean);
  const count = job.chunks?.count ?? 0;
  const diarizeInputs = count > 0 && (await has([BlobKeys.audio(job.id), ...Array.from({ length: count }, (_, i) => BlobKeys.chunkResult(job.id, i))]));
  switch (failedStage(job)) {
    case "ingest":
    case "transcribe":
      return { stage: "ingest", restart: false };
    case "enhance":
      if (await has([BlobKeys.diarized(job.id)])) return { stage: "enhance", restart: false };
      return diarizeInputs ? { stage: "diarize", restart: false } : { stage: "ingest", restart: true };
    case "diarize":
      return diarizeInputs ? { stage: "diarize", restart: false } : { stage: "ingest", restart: true };
  }
}
