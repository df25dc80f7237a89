import { AppError, PermanentError, USER_MISTAKE_CODES, messageId, type ErrorCode, type JobStep, type UnsupportedOption } from "@mp4t/contracts";
import type { Logger } from "@mp4t/runtime";
import type { PipelineDeps } from "./pipeline-deps.ts";

/**
 * Codes whose messages we write ourselves for users (the tool's or provider's own words travel
 * only in `cause`, to the log): the job shows them as they are. Every other code gets a fixed
 * sentence below, so no stderr, provider reply, path or address reaches a job.
 */
const OWN_WORDS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([...USER_MISTAKE_CODES, "STAGE_TIMEOUT", "CANCELED"]);

const STAGE_WORDS: Record<JobStep, string> = {
  ingest: "media preparation",
  transcribe: "transcription",
  assemble: "transcript assembly",
  diarize: "speaker labelling",
  enhance: "enhancement",
};

function fixedMessage(code: ErrorCode, stage: string): string {
  const provider = stage === "enhancement" ? "enhancement provider" : "transcription engine";
  switch (code) {
    case "ENGINE_FAILED":
      return `The ${provider} failed on this recording.`;
    case "ENGINE_REJECTED":
      return `The ${provider} refused the request (the deployment's credentials, model or size limits); an operator can see why in the logs.`;
    case "STAGE_TIMEOUT":
      return `The ${stage} stage did not finish in time.`;
    default:
      return `An internal error stopped the ${stage} stage; an operator can see why in the logs.`;
  }
}

/**
 * What a job's `error` says: a code and a message in our words. A given-up retry names the last
 * failure's kind (RETRIES_EXHAUSTED keeps it as `cause`).
 */
export function jobFailure(err: AppError, stage: JobStep | undefined): { code: ErrorCode; message: string } {
  const words = stage ? STAGE_WORDS[stage] : "processing";
  if (OWN_WORDS.has(err.code)) return { code: err.code, message: err.message };
  if (err.code === "RETRIES_EXHAUSTED") {
    const last = err.cause instanceof AppError ? fixedMessage(err.cause.code, words) : `The ${words} stage failed.`;
    return { code: err.code, message: `${last.slice(0, -1)}, and kept failing after every retry.` };
  }
  return { code: err.code, message: fixedMessage(err.code, words) };
}

/**
 * A user's mistake found by a worker: the job fails with the code (no dead letter) and its
 * cleanup is queued: `rejected` removes every blob (unusable upload), `failed` keeps the upload
 * for a retry (e.g. options a replica's configuration does not serve).
 */
export async function rejectJob(
  deps: Pick<PipelineDeps, "lifecycle" | "publisher">,
  ref: { userId: string; jobId: string },
  err: PermanentError,
  opts: { stage: JobStep; cleanup: "rejected" | "failed"; logger: Logger },
): Promise<void> {
  // The tool's own words (offsets, addresses) stay in our log; the user sees the message.
  const detail = err.cause instanceof Error ? err.cause.message : undefined;
  opts.logger.info({ code: err.code, err: err.message, ...(detail ? { detail } : {}) }, "job rejected");
  const failed = await deps.lifecycle.fail(ref, err.code, err.message, opts.stage);
  if (failed?.status === "failed") {
    const cleanup = { v: 1 as const, ...ref, reason: opts.cleanup };
    await deps.publisher.command("cleanup", "batch", cleanup, messageId("cleanup", cleanup));
  }
}

/** OPTION_UNSUPPORTED for an option a capability check refused, with `details` for programs. */
export const optionUnsupportedError = (u: UnsupportedOption) =>
  new PermanentError("OPTION_UNSUPPORTED", u.message, { details: { option: u.option, value: u.value, available: u.available } });
