import { AppError } from "@mp4t/contracts";
import type { JobStore } from "@mp4t/stores";

export type QuotaLimits = { maxActiveJobs: number; storageQuotaBytes: number; maxUploadBytes: number };

const PAGE = 100;
/**
 * Jobs a page of the full pass below reads. Each NATS KV listing reads every one of the user's
 * entries to page them, so pages of 100 made a user with 1,000 jobs read all 1,000 ten times for
 * every upload; pages of 1,000 read them once (at most 1,000 records held at a time).
 */
const FULL_PASS_PAGE = 1000;

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

/**
 * The user's queued or processing jobs, and the bytes of uploaded media they still have stored
 * (jobs whose media retention has not removed), from one pass over their jobs.
 */
export async function activeAndStored(jobs: JobStore, userId: string): Promise<{ active: number; bytes: number }> {
  let active = 0;
  let bytes = 0;
  let cursor: string | undefined;
  do {
    const page = await jobs.listJobs(userId, { limit: FULL_PASS_PAGE, ...(cursor ? { cursor } : {}) });
    for (const j of page.items) {
      if (j.status === "queued" || j.status === "processing") active++;
      if (!j.mediaDeletedAt) bytes += j.sizeBytes;
    }
    cursor = page.next ?? undefined;
  } while (cursor);
  return { active, bytes };
}

const tooManyActive = (max: number) => new AppError("TOO_MANY_ACTIVE_JOBS", `you have ${max} queued or processing jobs; wait for some to finish`);

/**
 * Checked when an upload starts: the user's active jobs must be under their cap, and the
 * stored media under the quota. Resolves to the most bytes this upload may have, which the
 * upload then enforces while it streams (so the quota holds mid-upload too). Two uploads that
 * start at the same moment are both checked against the same figure: the quota can be passed
 * by at most the uploads a user runs at once. With a quota, both figures come from one listing
 * of the user's jobs (it reads every job anyway), not one listing per status and one for the bytes.
 */
export async function uploadAllowance(jobs: JobStore, userId: string, l: QuotaLimits): Promise<{ maxBytes: number; byQuota: boolean }> {
  if (l.storageQuotaBytes === 0) {
    if ((await countActiveJobs(jobs, userId, l.maxActiveJobs)) >= l.maxActiveJobs) throw tooManyActive(l.maxActiveJobs);
    return { maxBytes: l.maxUploadBytes, byQuota: false };
  }
  const { active, bytes } = await activeAndStored(jobs, userId);
  if (active >= l.maxActiveJobs) throw tooManyActive(l.maxActiveJobs);
  const left = l.storageQuotaBytes - bytes;
  if (left <= 0) throw new AppError("STORAGE_QUOTA_EXCEEDED", `your stored media has reached the ${l.storageQuotaBytes}-byte quota; delete some jobs`);
  return left < l.maxUploadBytes ? { maxBytes: left, byQuota: true } : { maxBytes: l.maxUploadBytes, byQuota: false };
}
