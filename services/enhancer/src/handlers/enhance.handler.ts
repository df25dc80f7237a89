import { BlobKeys, Transcript, type Command } from "@mp4t/contracts";
import { PermanentError, type HandlerContext } from "@mp4t/platform";
import { getJson, putJson, type PipelineDeps } from "@mp4t/stores";
import { assembleTranscript } from "@mp4t/transcript";
import { enhance } from "../enhancements/enhance.ts";

type Deps = Pick<PipelineDeps, "blobs" | "jobs" | "publisher" | "lifecycle" | "logger">;

/**
 * enhance: the final transcript (sentences, paragraphs, requested enhancements) from the
 * diarized one, then the job completes and its temporary blobs are queued for cleanup.
 * Idempotent: a job that has already completed is left alone, except that its cleanup is
 * queued again (deduplicated by message id) in case the first run died before queueing it.
 */
export function enhanceHandler(deps: Deps) {
  return async (msg: Command<"enhance">, ctx?: HandlerContext) => {
    const log = ctx?.logger ?? deps.logger;
    const ref = { userId: msg.userId, jobId: msg.jobId };
    const cleanup = () => deps.publisher.command("cleanup", "batch", { v: 1, ...ref, reason: "completed" }, `cleanup:${msg.jobId}:completed`);
    const job = await deps.lifecycle.stageStarted(ref, "enhance");
    if (!job) {
      if ((await deps.jobs.getJob(ref))?.status === "completed") await cleanup();
      return;
    }
    const diarized = await getJson(deps.blobs, BlobKeys.diarized(job.id), Transcript);
    if (!diarized) throw new PermanentError("INTERNAL", "the diarized transcript is missing");
    const base = assembleTranscript({ language: diarized.language, durationSec: diarized.durationSec, segments: diarized.segments });
    const { enhancements, unsupported } = enhance(base.paragraphs ?? [], base.speakers, job.options.enhance);
    for (const option of unsupported) {
      log.warn({ jobId: job.id, option }, "the local engine cannot translate; skipped until a provider is configured");
    }
    const transcript = Transcript.parse({ ...base, enhancements });
    await putJson(deps.blobs, BlobKeys.transcript(job.id), transcript);
    if (!(await deps.lifecycle.stageDone(ref, "enhance"))) return;
    if (!(await deps.lifecycle.complete(ref))) return;
    await cleanup();
  };
}
