import type { User } from "@mp4t/contracts";
import type { JobStore } from "@mp4t/stores";

const MAX_ENTRIES = 10_000;

/**
 * Users as authenticated requests see them, read from the store at most once per `ttlMs` per
 * email: the bound within which a role change, a disabled or deleted user, a logout or a password
 * change reaches every request on this replica. Concurrent misses share one read.
 */
export function userCache(jobs: Pick<JobStore, "getUserByEmail">, ttlMs: number) {
  const entries = new Map<string, { at: number; user: Promise<User | null> }>();
  return {
    /**
     * `notBefore` (ms): an entry read earlier is not used. A token issued after the entry was read
     * may name a session the entry does not have yet (a second login moments after the first).
     */
    get(email: string, notBefore = 0): Promise<User | null> {
      const now = Date.now();
      const hit = entries.get(email);
      if (hit && now - hit.at < ttlMs && hit.at >= notBefore) return hit.user;
      const user = jobs.getUserByEmail(email);
      if (ttlMs > 0) {
        if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
        entries.delete(email); // re-insert at the end: the map's order is then oldest first
        entries.set(email, { at: now, user });
        user.catch(() => entries.delete(email)); // a failed read is not remembered
      }
      return user;
    },
    /** Forget a user this replica just changed, so its own change applies at once. */
    forget(email: string) {
      entries.delete(email);
    },
  };
}
export type UserCache = ReturnType<typeof userCache>;
