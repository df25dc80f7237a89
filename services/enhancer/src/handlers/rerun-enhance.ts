import type { Command, Transcript } from "@mp4t/contracts";
import { AppError, PermanentError } from "@mp4t/contracts";
import type { HandlerContext } from "@mp4t/messaging";
import type { Logger } from "@mp4t/runtime";
import { commitVersion, currentVersion, readTranscript } from "@mp4t/stores";
import type { PipelineDeps } from "@mp4t/pipeline";
import { paragraphsOf } from "@mp4t/transcript";
import type { EnhancementProvider } from "../ports.ts";

type Deps = Pick<PipelineDeps, "blobs" | "jobs" | "lifecycle">;
type Rerun = NonNullable<Command<"enhance">["rerun"]>;

/** A busy editor can keep moving the current version; past this many collisions the message is retried later. */
const MAX_COLLISIONS = 5;

/** New enhancements over the old: a re-run kind replaces its result, translations merge by language. */
function merge(old: Transcript["enhancements"], fresh: Transcript["enhancements"]): Transcript["enhancements"] {
  const translations = { ...old.translations, ...fresh.translations };
  return { ...old, ...fresh, ...(Object.keys(translations).length ? { translations } : {}) };
}

/**
 * Re-runs enhancements on a completed job's current transcript version (speaker names and
 * corrections included) and saves the result as a new version. The job stays completed. If an
 * edit lands meanwhile, the enhancements are computed again on that version.
 */
export async function rerunEnhancements(
  deps: Deps & { provider: EnhancementProvider; logger: Logger },
  msg: Command<"enhance">,
  rerun: Rerun,
  ctx?: HandlerContext,
): Promise<void> {
  const ref = { userId: msg.userId, jobId: msg.jobId };
  for (let attempt = 0; attempt < MAX_COLLISIONS; attempt++) {
    const job = await deps.jobs.getJob(ref);
    if (!job) return; // deleted meanwhile: nothing to do
    if (job.status !== "completed") throw new PermanentError("TRANSCRIPT_NOT_READY", `job ${job.id} is ${job.status}`);
    const base = currentVersion(job);
    const transcript = await readTranscript(deps.blobs, job, base);
    if (!transcript) return; // deleted meanwhile
    const { enhancements, unsupported } = await deps.provider.enhance({
      paragraphs: paragraphsOf(transcript),
      speakers: transcript.speakers,
      language: transcript.language,
      options: rerun.kinds,
      signal: ctx?.signal ?? new AbortController().signal,
    });
    for (const option of unsupported)
      (ctx?.logger ?? deps.logger).warn({ jobId: job.id, option }, `the ${deps.provider.name} enhancement provider cannot do this; skipped`);
    try {
      const saved = await commitVersion(deps, ref, {
        baseVersion: base,
        kind: "enhance",
        transcript: { ...transcript, enhancements: merge(transcript.enhancements, enhancements) },
      });
      await deps.lifecycle.transcriptUpdated(saved.job, saved.version);
      return;
    } catch (err) {
      if (err instanceof AppError && err.code === "TRANSCRIPT_CHANGED") continue;
      if (err instanceof AppError && err.code === "NOT_FOUND") return;
      throw err;
    }
  }
  throw new AppError("TRANSCRIPT_CHANGED", `job ${msg.jobId}: the transcript kept changing while enhancements were re-run`);
}
