import { MessageIds, PIPELINE, PIPELINE_STAGES, messageId, type Command, type Job, type PipelineStage } from "@mp4t/contracts";
import type { Logger } from "@mp4t/runtime";
import type { Publisher } from "@mp4t/messaging";
import type { JobStore } from "@mp4t/stores";
import type { JobLifecycle } from "@mp4t/pipeline";

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
  // The wire stage's own name: `diarize` is marked done or skipped in the write that ends `assemble`.
  const open = PIPELINE_STAGES.find((s) => !["done", "skipped"].includes(job.stages[s]?.status ?? "pending"));
  return open ?? "enhance"; // every stage done but not completed: enhance completes the job
}

type Resume = { stage: PipelineStage; msg: Command<PipelineStage> };

/**
 * The commands that resume a stage. A transcribe stage re-sends its own missing chunks from the
 * plan ingest persisted on the job (a window of them when the job is chained: each chunk queues the
 * next); ingest runs again only for a job without a plan (recorded by an older release).
 */
export function resumeCommands(job: Job, stage: PipelineStage): Resume[] {
  const ref = { v: 1 as const, jobId: job.id, userId: job.userId };
  if (stage !== "transcribe") return [{ stage, msg: ref }];
  const c = job.chunks;
  if (!c?.plan || c.plan.length !== c.count) return [{ stage: "ingest", msg: ref }];
  const missing = c.plan.flatMap(([startSec, endSec], index) => (c.done.includes(index) ? [] : [{ index, startSec, endSec }]));
  return missing.slice(0, c.window ?? missing.length).map((chunk) => ({ stage, msg: { ...ref, chunk: { ...chunk, count: c.count } } }));
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

  for await (const job of deps.jobs.scanJobs({ status: ["queued", "processing"] })) {
    if (job.status !== "queued" && job.status !== "processing") continue;
    if (now - Date.parse(job.updatedAt) < settings.staleMs) continue;
    const stage = currentStage(job);
    const resume = resumeCommands(job, stage);
    const via = resume[0]?.stage ?? stage;
    result.stalled++;
    if ((await messagesOn(stage)) > 0 || (via !== stage && (await messagesOn(via)) > 0)) {
      result.waiting++;
      continue;
    }
    const ref = { userId: job.userId, jobId: job.id };
    const attempt = (job.reaped ?? 0) + 1;
    if (attempt > settings.maxRedrives) {
      const failed = await deps.lifecycle.fail(
        ref,
        "STAGE_TIMEOUT",
        `the ${stage} stage made no progress after ${settings.maxRedrives} re-drives`,
        PIPELINE[stage].step ?? undefined,
      );
      if (failed?.status === "failed") {
        const cleanup = { v: 1 as const, ...ref, reason: "failed" as const };
        await deps.publisher.command("cleanup", "batch", cleanup, messageId("cleanup", cleanup));
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
    for (const r of resume) {
      const chunk = "chunk" in r.msg ? r.msg.chunk.index : undefined;
      await deps.publisher.command(r.stage, job.options.class, r.msg, MessageIds.reap(job.id, stage, attempt, chunk));
    }
    result.redriven++;
    deps.logger.warn({ jobId: job.id, stage, via, messages: resume.length, attempt }, "re-drove a stalled job");
  }
  return result;
}
