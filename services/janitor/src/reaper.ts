import { PIPELINE_STAGES, type Job, type PipelineStage } from "@mp4t/contracts";
import type { Logger } from "@mp4t/runtime";
import type { Publisher } from "@mp4t/messaging";
import type { JobLifecycle, JobStore } from "@mp4t/stores";

export type ReaperSettings = {
  /** A job whose record has not changed for this long is stalled. */
  staleMs: number;
  /** Re-drives per job before it fails with STAGE_TIMEOUT. */
  maxRedrives: number;
};

export type ReaperDeps = {
  jobs: Pick<JobStore, "scanJobs" | "updateJob">;
  publisher: Publisher;
  lifecycle: Pick<JobLifecycle, "fail">;
  /** Messages (queued or in flight) on a stage's work subjects; work queues keep them until acked (`QueueInspector.stored`). */
  stageMessages(stage: PipelineStage): Promise<number>;
  logger: Logger;
};

export type ReapResult = { stalled: number; redriven: number; failed: number; waiting: number };

/** The first stage not yet done: where a stalled job is stuck. */
export function currentStage(job: Job): PipelineStage {
  const open = PIPELINE_STAGES.find((s) => !["done", "skipped"].includes(job.stages[s]?.status ?? "pending"));
  return open ?? "enhance"; // every stage done but not completed: enhance completes the job
}

/**
 * The command that resumes a stage. A transcribe stage is resumed through ingest: the job record
 * keeps no chunk boundaries, and ingest re-plans deterministically and fans every chunk out again
 * (chunks already transcribed are skipped by the transcriber).
 */
export function resumeCommand(job: Job, stage: PipelineStage): { stage: "ingest" | "diarize" | "enhance"; msg: { v: 1; jobId: string; userId: string } } {
  const msg = { v: 1 as const, jobId: job.id, userId: job.userId };
  return { stage: stage === "transcribe" ? "ingest" : stage, msg };
}

/**
 * One reaper pass. A queued or processing job that made no progress for `staleMs` has lost its
 * work message (it is not on its stage's subjects): its stage is re-driven with a fresh message
 * id, up to `maxRedrives` times (counted on the job, `reaped`), then the job fails with
 * STAGE_TIMEOUT and its cleanup is queued. While a stage has messages the job may simply be
 * waiting in line (or running: the runner's own deadline covers that), so it is left alone.
 * The count is taken by compare-and-set on the job as seen, so concurrent janitors re-drive once.
 */
export async function reapStalled(deps: ReaperDeps, settings: ReaperSettings, now = Date.now()): Promise<ReapResult> {
  const result: ReapResult = { stalled: 0, redriven: 0, failed: 0, waiting: 0 };
  const backlog = new Map<PipelineStage, Promise<number>>();
  const messagesOn = (s: PipelineStage) => backlog.get(s) ?? backlog.set(s, deps.stageMessages(s)).get(s)!;

  for await (const job of deps.jobs.scanJobs()) {
    if (job.status !== "queued" && job.status !== "processing") continue;
    if (now - Date.parse(job.updatedAt) < settings.staleMs) continue;
    const stage = currentStage(job);
    const resume = resumeCommand(job, stage);
    result.stalled++;
    if ((await messagesOn(stage)) > 0 || (resume.stage !== stage && (await messagesOn(resume.stage)) > 0)) {
      result.waiting++;
      continue;
    }
    const ref = { userId: job.userId, jobId: job.id };
    const attempt = (job.reaped ?? 0) + 1;
    if (attempt > settings.maxRedrives) {
      const failed = await deps.lifecycle.fail(ref, "STAGE_TIMEOUT", `the ${stage} stage made no progress after ${settings.maxRedrives} re-drives`, stage);
      if (failed?.status === "failed") {
        await deps.publisher.command("cleanup", "batch", { v: 1, ...ref, reason: "failed" }, `cleanup:${job.id}:failed`);
        result.failed++;
        deps.logger.warn({ jobId: job.id, stage }, "stalled job failed with STAGE_TIMEOUT");
      }
      continue;
    }
    // Claim this re-drive: only if the job is still exactly as scanned (no progress, no other janitor).
    let claimed = false;
    await deps.jobs.updateJob(ref, (j) => {
      claimed = j.updatedAt === job.updatedAt && (j.status === "queued" || j.status === "processing");
      return claimed ? { ...j, reaped: attempt } : undefined;
    });
    if (!claimed) continue;
    await deps.publisher.command(resume.stage, job.options.class, resume.msg, `reap:${job.id}:${stage}:${attempt}`);
    result.redriven++;
    deps.logger.warn({ jobId: job.id, stage, via: resume.stage, attempt }, "re-drove a stalled job");
  }
  return result;
}
