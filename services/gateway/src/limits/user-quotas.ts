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

/** How long a user's counted usage may allow an upload without a fresh count (see `createUploadQuota`). */
export const USAGE_MAX_AGE_MS = 5_000;
/** Users whose last count is remembered; past it the oldest is forgotten (its next upload counts afresh). */
const REMEMBERED_USERS = 10_000;

type Usage = { active: number; bytes: number };
type Counted = Usage & { at: number };

export type UploadQuota = {
  /**
   * Checked when an upload starts: the user's active jobs must be under their cap, and the stored
   * media under the quota. Resolves to the most bytes this upload may have, which the upload then
   * enforces while it streams (so the quota holds mid-upload too); throws TOO_MANY_ACTIVE_JOBS or
   * STORAGE_QUOTA_EXCEEDED.
   */
  allowance(userId: string): Promise<{ maxBytes: number; byQuota: boolean }>;
  /** A job this gateway just created for the user: counted in the user's remembered figure until it is counted again. */
  created(userId: string, sizeBytes: number): void;
};

/**
 * The upload's quota check. Counting a user's usage reads every job they have (`JobStore.usage`:
 * the latest record of each), so a user who uploads a folder of files at once had all their jobs
 * read once per file, and at a few thousand jobs that cost an upload more than the pipeline costs
 * a job. A count is now remembered per user for `maxAgeMs` (USAGE_MAX_AGE_MS), with this gateway's
 * own uploads since added to it, and decides only an upload it allows outright: under the active
 * cap with the whole `maxUploadBytes` left under the quota. Anything else (a refusal, or an
 * allowance the quota cuts short) is decided on a fresh count, so a job that finished or was
 * deleted since never keeps an upload out. What a remembered count can miss: jobs another gateway
 * created for the same user in those seconds, and a failed job retried meanwhile, which widens by
 * those seconds the window that two uploads starting together already had (both are checked
 * against one figure): the cap can be passed by what one user starts on other gateways within it.
 */
export function createUploadQuota(jobs: JobStore, l: QuotaLimits, opts: { maxAgeMs?: number; now?: () => number } = {}): UploadQuota {
  const maxAgeMs = opts.maxAgeMs ?? USAGE_MAX_AGE_MS;
  const now = opts.now ?? (() => performance.now());
  const counted = new Map<string, Counted>();
  const remember = (userId: string, u: Usage) => {
    counted.delete(userId);
    counted.set(userId, { ...u, at: now() });
    if (counted.size > REMEMBERED_USERS) counted.delete(counted.keys().next().value!);
  };
  const count = async (userId: string): Promise<Usage> => {
    // Without a quota only the active jobs matter, and the listing stops counting at the cap.
    const u = l.storageQuotaBytes === 0 ? { active: await countActiveJobs(jobs, userId, l.maxActiveJobs), bytes: 0 } : await jobs.usage(userId);
    remember(userId, u);
    return u;
  };
  /** What `u` allows: the upload's most bytes and whether the quota set them, or the refusal. */
  const decide = (u: Usage): { maxBytes: number; byQuota: boolean } | AppError => {
    if (u.active >= l.maxActiveJobs) return tooManyActive(l.maxActiveJobs);
    if (l.storageQuotaBytes === 0) return { maxBytes: l.maxUploadBytes, byQuota: false };
    const left = l.storageQuotaBytes - u.bytes;
    if (left <= 0) return new AppError("STORAGE_QUOTA_EXCEEDED", `your stored media has reached the ${l.storageQuotaBytes}-byte quota; delete some jobs`);
    return left < l.maxUploadBytes ? { maxBytes: left, byQuota: true } : { maxBytes: l.maxUploadBytes, byQuota: false };
  };
  return {
    async allowance(userId) {
      const known = counted.get(userId);
      if (known && now() - known.at < maxAgeMs) {
        const verdict = decide(known);
        if (!(verdict instanceof AppError) && !verdict.byQuota) return verdict;
      }
      const verdict = decide(await count(userId));
      if (verdict instanceof AppError) throw verdict;
      return verdict;
    },
    created(userId, sizeBytes) {
      const known = counted.get(userId);
      if (!known) return;
      known.active += 1;
      known.bytes += Math.max(0, sizeBytes);
    },
  };
}
