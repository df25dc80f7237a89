import { BlobKeys, Transcript, type Command } from "@mp4t/contracts";
import { PermanentError } from "@mp4t/runtime";
import { type HandlerContext } from "@mp4t/messaging";
import { getJson, putJson, type PipelineDeps } from "@mp4t/stores";
import { assembleTranscript } from "@mp4t/transcript";
import { createLocalProvider } from "../adapters/local.adapter.ts";
import type { EnhancementProvider } from "../ports.ts";
import { rerunEnhancements } from "./rerun-enhance.ts";

type Deps = Pick<PipelineDeps, "blobs" | "jobs" | "publisher" | "lifecycle" | "logger"> & {
  /** Who writes the enhancements; our local algorithms when not given. */
  provider?: EnhancementProvider;
};

/**
 * enhance: the final transcript (sentences, paragraphs, requested enhancements) from the
 * diarized one, then the job completes and its temporary blobs are queued for cleanup.
 * Idempotent: a job that has already completed is left alone, except that its cleanup is
 * queued again (deduplicated by message id) in case the first run died before queueing it.
 * A provider's failure propagates as it is: retryable ones are retried by the runner, permanent
 * ones (ENGINE_REJECTED) fail the job with their code.
 */
export function enhanceHandler(deps: Deps) {
  const provider = deps.provider ?? createLocalProvider();
  return async (msg: Command<"enhance">, ctx?: HandlerContext) => {
    const log = ctx?.logger ?? deps.logger;
    if (msg.rerun) return rerunEnhancements({ ...deps, provider }, msg, msg.rerun, ctx);
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
    const { enhancements, unsupported } = await provider.enhance({
      paragraphs: base.paragraphs ?? [], speakers: base.speakers, language: base.language, options: job.options.enhance,
      signal: ctx?.signal ?? new AbortController().signal,
    });
    for (const option of unsupported) {
      log.warn({ jobId: job.id, option }, `the ${provider.name} enhancement provider cannot do this; skipped (set ENHANCE_PROVIDER to a chat model)`);
    }
    const transcript = Transcript.parse({ ...base, enhancements });
    await putJson(deps.blobs, BlobKeys.transcript(job.id), transcript);
    if (!(await deps.lifecycle.complete(ref, "enhance"))) return; // stage done and job complete: one write
    await cleanup();
  };
}
