import { BlobKeys, MAX_TRANSCRIPT_VERSIONS, Transcript, type Job, type TranscriptHistory, type TranscriptVersionInfo } from "@mp4t/contracts";
import { AppError, newId } from "@mp4t/contracts";
import { getJson, putJson } from "./blob-helpers.ts";
import type { BlobStore, JobRef, JobStore } from "./ports.ts";

/**
 * Transcript versions. Version 1 is the pipeline's `transcript.json`, never rewritten; every
 * change (corrections, speaker names, re-run enhancements) writes a new immutable blob
 * `transcript.v<N>.<token>.json` and then moves the job record's `transcript.version` to it by
 * compare-and-set. Both job store backends and both blob store backends hold this as it is.
 */
export const currentVersion = (job: Pick<Job, "transcript">) => job.transcript?.version ?? 1;

export function versionsOf(job: Job): TranscriptVersionInfo[] {
  return job.transcript?.versions ?? [{ version: 1, kind: "engine", at: job.completedAt ?? job.updatedAt }];
}

/** The blob key of a version of this job's transcript, or null if the job has no such version. */
export function versionKey(job: Job, version: number): string | null {
  if (version === 1) return BlobKeys.transcript(job.id);
  const info = versionsOf(job).find((v) => v.version === version);
  return info?.blob ? BlobKeys.transcriptVersion(job.id, version, info.blob) : null;
}

/** A version of the transcript (the current one by default); null when the job has no such version or its blob is gone. */
export async function readTranscript(blobs: BlobStore, job: Job, version = currentVersion(job)): Promise<Transcript | null> {
  const key = versionKey(job, version);
  return key ? getJson(blobs, key, Transcript) : null;
}

/**
 * Saves `transcript` as the version after `baseVersion`. Fails with TRANSCRIPT_CHANGED when
 * someone else made a version since `baseVersion` (the blob written is removed again),
 * NOT_FOUND when the job is gone, VERSION_LIMIT past MAX_TRANSCRIPT_VERSIONS.
 */
export async function commitVersion(
  deps: { jobs: JobStore; blobs: BlobStore },
  ref: JobRef,
  change: { baseVersion: number; kind: Exclude<TranscriptVersionInfo["kind"], "engine">; transcript: Transcript },
): Promise<{ job: Job; version: number }> {
  const version = change.baseVersion + 1;
  if (version > MAX_TRANSCRIPT_VERSIONS) throw new AppError("VERSION_LIMIT", `a transcript keeps at most ${MAX_TRANSCRIPT_VERSIONS} versions`);
  const token = newId();
  const key = BlobKeys.transcriptVersion(ref.jobId, version, token);
  await putJson(deps.blobs, key, Transcript.parse(change.transcript));
  let conflict = false;
  const job = await deps.jobs.updateJob(ref, (j) => {
    conflict = currentVersion(j) !== change.baseVersion; // re-set on every compare-and-set attempt
    if (conflict) return undefined;
    const history: TranscriptHistory = {
      version,
      versions: [...versionsOf(j), { version, kind: change.kind, at: new Date().toISOString(), blob: token }],
    };
    return { ...j, transcript: history };
  });
  if (!job || conflict) {
    await deps.blobs.delete(key).catch(() => false);
    if (!job) throw new AppError("NOT_FOUND", "no such job");
    throw new AppError("TRANSCRIPT_CHANGED", `the transcript is at version ${currentVersion(job)}, not ${change.baseVersion}`);
  }
  return { job, version };
}
