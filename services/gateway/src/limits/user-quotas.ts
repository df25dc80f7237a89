import { AppError } from "@mp4t/contracts";
import type { JobStore } from "@mp4t/stores";

export type QuotaLimits = { maxActiveJobs: number; storageQuotaBytes: number; maxUploadBytes: number };

const PAGE = 100;

/** Queued or processing jobs of a user, counted up to `atMost` (no need to count past the cap). */
export async function countActiveJobs(jobs: JobStore, userId: string, atMost: number): Promise<number> {
  let n = 0;
  for (const status of ["queued", "processing"] as const) {
    let cursor: string | undefined;
    do {
      const page = await jobs.listJobs(userId, { status, limit: PAGE, ...(cursor ? { cursor } : {}) });
      n += page.items.length;
      cursor = page.next ?? undefined;
    } while (cursor && n < atMost);
    if (n >= atMost) return n;
  }
  return n;
}

const tooManyActive = (max: number) => new AppError("TOO_MANY_ACTIVE_JOBS", `you have ${max} queued or processing jobs; wait for some to finish`);

/**
 * Checked when an upload starts: the user's active jobs must be under their cap, and the
 * stored media under the quota. Resolves to the most bytes this upload may have, which the
 * upload then enforces while it streams (so the quota holds mid-upload too). Two uploads that
 * start at the same moment are both checked against the same figure: the quota can be passed
 * by at most the uploads a user runs at once. With a quota, both figures come from the store's
 * `usage`: one pass over the user's jobs that reads three fields of each, none validated whole.
 */
export async function uploadAllowance(jobs: JobStore, userId: string, l: QuotaLimits): Promise<{ maxBytes: number; byQuota: boolean }> {
  if (l.storageQuotaBytes === 0) {
    if ((await countActiveJobs(jobs, userId, l.maxActiveJobs)) >= l.maxActiveJobs) throw tooManyActive(l.maxActiveJobs);
    return { maxBytes: l.maxUploadBytes, byQuota: false };
  }
  const { active, bytes } = await jobs.usage(userId);
  if (active >= l.maxActiveJobs) throw tooManyActive(l.maxActiveJobs);
  const left = l.storageQuotaBytes - bytes;
  if (left <= 0) throw new AppError("STORAGE_QUOTA_EXCEEDED", `your stored media has reached the ${l.storageQuotaBytes}-byte quota; delete some jobs`);
  return left < l.maxUploadBytes ? { maxBytes: left, byQuota: true } : { maxBytes: l.maxUploadBytes, byQuota: false };
}
