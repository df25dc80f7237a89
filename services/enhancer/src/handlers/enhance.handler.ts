import {
  ANY_LANGUAGE,
  BlobKeys,
  NOTICE_CODES,
  Transcript,
  findUnsupportedOption,
  messageId,
  type Command,
  type EnhancementCapabilities,
  type Job,
} from "@mp4t/contracts";
import { PermanentError } from "@mp4t/contracts";
import type { HandlerContext } from "@mp4t/messaging";
import { getJson, putJson } from "@mp4t/stores";
import { optionUnsupportedError, rejectJob, type PipelineDeps } from "@mp4t/pipeline";
import { assembleTranscript } from "@mp4t/transcript";
import { createLocalProvider } from "../adapters/local.adapter.ts";
import type { EnhancementProvider } from "../ports.ts";
import { rerunEnhancements } from "./rerun-enhance.ts";

type Deps = Pick<PipelineDeps, "blobs" | "jobs" | "publisher" | "lifecycle" | "logger"> & {
  /** Who writes the enhancements; our local algorithms when not given. */
  provider?: EnhancementProvider;
};

/** What a provider offers: our algorithms do all but translation; a chat model translates into any language. */
export const enhancementCapabilities = (provider: Pick<EnhancementProvider, "name">): EnhancementCapabilities => ({
  summary: true,
  notes: true,
  cleanText: true,
  translate: provider.name === "local" ? { available: false, languages: [] } : { available: true, languages: [ANY_LANGUAGE] },
});

/**
 * enhance: the final transcript (sentences, paragraphs, requested enhancements) from the
 * diarized one, then the job completes and its temporary blobs are queued for cleanup.
 * Idempotent: a job that has already completed is left as it is, except that its completion
 * events and its cleanup are sent again (deduplicated by message id) in case the first run died
 * before sending them.
 * A provider's failure propagates as it is: retryable ones are retried by the runner, permanent
 * ones (ENGINE_REJECTED) fail the job with their code.
 */
export function enhanceHandler(deps: Deps) {
  const provider = deps.provider ?? createLocalProvider();
  const capabilities = enhancementCapabilities(provider);
  return async (msg: Command<"enhance">, ctx?: HandlerContext) => {
    const log = ctx?.logger ?? deps.logger;
    if (msg.rerun) return rerunEnhancements({ ...deps, provider }, msg, msg.rerun, ctx);
    const ref = { userId: msg.userId, jobId: msg.jobId };
    const done = { v: 1 as const, ...ref, reason: "completed" as const };
    const cleanup = () => deps.publisher.command("cleanup", "batch", done, messageId("cleanup", done));
    const job = await deps.lifecycle.stageStarted(ref, "enhance");
    if (!job) {
      // Ended. If completed, maybe by a worker that died before the events and cleanup: `complete`
      // on a completed job publishes its events again.
      if (await deps.lifecycle.complete(ref, "enhance")) await cleanup();
      return;
    }
    // Checked at upload against every replica; this replica's provider may differ.
    const refused = findUnsupportedOption(job.options, { enhancements: capabilities });
    if (refused) return rejectJob(deps, ref, optionUnsupportedError(refused), { stage: "enhance", cleanup: "failed", logger: log });
    const diarized = await getJson(deps.blobs, BlobKeys.diarized(job.id), Transcript);
    if (!diarized) throw new PermanentError("INTERNAL", "the diarized transcript is missing");
    const base = assembleTranscript({ language: diarized.language, durationSec: diarized.durationSec, segments: diarized.segments });
    // Nothing was said: nothing to enhance (and no provider call to pay for).
    const noSpeech = base.segments.length === 0;
    const { enhancements, unsupported } = noSpeech
      ? { enhancements: {}, unsupported: [] }
      : await provider.enhance({
          paragraphs: base.paragraphs ?? [],
          speakers: base.speakers,
          language: base.language,
          options: job.options.enhance,
          signal: ctx?.signal ?? new AbortController().signal,
        });
    for (const option of unsupported) {
      log.warn({ jobId: job.id, option }, `the ${provider.name} enhancement provider cannot do this; skipped (set ENHANCE_PROVIDER to a chat model)`);
    }
    const transcript = Transcript.parse({ ...base, enhancements, noSpeech });
    await putJson(deps.blobs, BlobKeys.transcript(job.id), transcript);
    // Stage done and job complete: one write.
    if (!(await deps.lifecycle.complete(ref, "enhance", (j) => noSpeechPatch(j, noSpeech)))) return;
    await cleanup();
  };
}

/** `noSpeech` on the job, and a NO_SPEECH notice beside any earlier ones (once, on a replay too). */
function noSpeechPatch(job: Job, noSpeech: boolean): Partial<Job> {
  if (!noSpeech) return { noSpeech };
  const others = (job.notices ?? []).filter((n) => n.code !== "NO_SPEECH");
  return { noSpeech, notices: [...others, { code: "NO_SPEECH", message: NOTICE_CODES.NO_SPEECH }] };
}
