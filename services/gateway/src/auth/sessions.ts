import { MAX_SESSIONS_PER_USER, type Session, type User } from "@mp4t/contracts";
import { newId } from "@mp4t/contracts";
import type { JobStore } from "@mp4t/stores";

export type RefreshClaims = { u: string; e: string; s: string; g: number };
export type RotateOutcome = { ok: true; user: User; session: Session } | { ok: false; reason: "unknown" | "expired" | "reused" | "disabled" };

const live = (s: Session, now: number) => Date.parse(s.expiresAt) > now;

/**
 * Login sessions, kept on the user record (one compare-and-set write per change, so replicas
 * never lose one). A session is a refresh-token family; access tokens name it and die with it.
 */
export function sessionStore(jobs: JobStore, refreshTtlSec: number) {
  return {
    /** Opens a session; expired ones go, and the oldest beyond the per-user cap is logged out. */
    async start(email: string, changes: Partial<Pick<User, "passwordHash">> = {}): Promise<{ user: User; session: Session } | null> {
      const now = Date.now();
      const session: Session = { id: newId(), gen: 0, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + refreshTtlSec * 1000).toISOString() };
      const user = await jobs.updateUser(email, (u) => ({
        ...u,
        ...changes,
        sessions: [...(u.sessions ?? []).filter((s) => live(s, now)), session].slice(-MAX_SESSIONS_PER_USER),
      }));
      return user ? { user, session } : null;
    },

    /**
     * Rotates a refresh token: the presented generation must be the session's current one. An
     * older one means the token was used twice (stolen, or replayed): the whole family ends.
     */
    async rotate(c: RefreshClaims): Promise<RotateOutcome> {
      const now = Date.now();
      let outcome: RotateOutcome = { ok: false, reason: "unknown" };
      const user = await jobs.updateUser(c.e, (u) => {
        outcome = { ok: false, reason: "unknown" };
        if (u.id !== c.u) return undefined;
        if (u.disabled) {
          outcome = { ok: false, reason: "disabled" };
          return undefined;
        }
        const s = u.sessions?.find((x) => x.id === c.s);
        if (!s) return undefined;
        const others = (u.sessions ?? []).filter((x) => x.id !== c.s);
        if (!live(s, now)) {
          outcome = { ok: false, reason: "expired" };
          return { ...u, sessions: others };
        }
        if (s.gen !== c.g) {
          outcome = { ok: false, reason: "reused" };
          return { ...u, sessions: others };
        }
        const next = { ...s, gen: s.gen + 1 };
        outcome = { ok: true, user: u, session: next };
        return { ...u, sessions: [...others, next] };
      });
      if (!user) return { ok: false, reason: "unknown" };
      const o = outcome as RotateOutcome; // assigned inside the mutation
      return o.ok ? { ...o, user } : o;
    },

    /** Ends one session (logout), or all of them. */
    async end(email: string, sessionId: string | "all"): Promise<void> {
      await jobs.updateUser(email, (u) => ({ ...u, sessions: sessionId === "all" ? [] : (u.sessions ?? []).filter((s) => s.id !== sessionId) }));
    },

    /** Sets a new password hash and ends every session but `keep`. */
    async changePassword(email: string, passwordHash: string, keep: string): Promise<User | null> {
      return jobs.updateUser(email, (u) => ({ ...u, passwordHash, sessions: (u.sessions ?? []).filter((s) => s.id === keep) }));
    },
  };
}
export type SessionStore = ReturnType<typeof sessionStore>;
