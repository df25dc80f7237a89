import type { User } from "@mp4t/contracts";
import type { JobStore } from "@mp4t/stores";
import { readThroughCache } from "./read-through-cache.ts";

/**
 * Users as authenticated requests see them, read from the store at most once per `ttlMs` per
 * email: the bound within which a role change, a disabled or deleted user, a logout or a password
 * change reaches every request on this replica. Concurrent misses share one read.
 */
export function userCache(jobs: Pick<JobStore, "getUserByEmail">, ttlMs: number) {
  const cache = readThroughCache((email) => jobs.getUserByEmail(email), ttlMs);
  return {
    /**
     * `notBefore` (ms): an entry read earlier is not used. A token issued after the entry was read
     * may name a session the entry does not have yet (a second login moments after the first).
     */
    get: (email: string, notBefore = 0): Promise<User | null> => cache.get(email, notBefore),
    /** Forget a user this replica just changed, so its own change applies at once. */
    forget: (email: string) => cache.forget(email),
  };
}
export type UserCache = ReturnType<typeof userCache>;
