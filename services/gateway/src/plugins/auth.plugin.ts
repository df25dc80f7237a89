import fastifyJwt from "@fastify/jwt";
import type { User } from "@mp4t/contracts";
import { AppError } from "@mp4t/runtime";
import type { JobStore } from "@mp4t/stores";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { sessionStore, type RefreshClaims, type SessionStore } from "../auth/sessions.ts";
import { tokenSigner } from "../auth/signed-token.ts";
import { userCache, type UserCache } from "../auth/user-cache.ts";

/** What a verified request carries. `role` comes from the store, never from the token. */
type Claims = { sub: string; email: string; role: User["role"]; sid: string; exp?: number; iat?: number };

declare module "@fastify/jwt" {
  interface FastifyJWT {
    payload: Claims;
    user: Claims;
  }
}

export type IssuedTokens = { token: string; expiresAt: string; refreshToken: string; refreshExpiresAt: string };

declare module "fastify" {
  interface FastifyInstance {
    /** onRequest hook: a valid access token of a live session of an existing, enabled user, or 401. */
    authenticate(req: FastifyRequest): Promise<void>;
    /** onRequest hook after `authenticate`: an admin (as the store says now), or 403 FORBIDDEN. */
    requireAdmin(req: FastifyRequest): Promise<void>;
    /** Access token plus refresh token for a session. */
    issueTokens(user: Pick<User, "id" | "email" | "role">, session: { id: string; gen: number; expiresAt: string }): IssuedTokens;
    /** The claims of a refresh token this gateway signed, or null. */
    readRefreshToken(token: string): RefreshClaims | null;
    sessions: SessionStore;
    users: UserCache;
  }
}

export type AuthPluginOptions = { secret: string; ttlSec: number; refreshTtlSec: number; cacheMs: number; jobs: JobStore };

const unauthorized = (why: string, cause?: unknown) => new AppError("UNAUTHORIZED", `a valid bearer token is required (${why})`, { cause });

/**
 * Access tokens are short-lived HS256 JWTs naming a session; every authenticated request checks,
 * through a cache of at most `cacheMs`, that the user still exists, is enabled and still has
 * that session, and takes the role from the store. Refresh tokens are HMAC-signed, not JWTs.
 */
async function authPlugin(app: FastifyInstance, opts: AuthPluginOptions) {
  if (!opts.secret) throw new Error("auth plugin: a JWT secret is required");
  if (!(opts.ttlSec > 0) || !(opts.refreshTtlSec > 0)) throw new Error("auth plugin: token lifetimes must be positive");
  await app.register(fastifyJwt, {
    secret: opts.secret,
    sign: { algorithm: "HS256", expiresIn: `${opts.ttlSec}s` },
    // A token without exp, sub or sid is not one of ours, whatever signed it.
    verify: { algorithms: ["HS256"], requiredClaims: ["exp", "sub", "sid", "email"] },
  });
  const refresh = tokenSigner(opts.secret, "rt1");
  const users = userCache(opts.jobs, opts.cacheMs);
  app.decorate("users", users);
  app.decorate("sessions", sessionStore(opts.jobs, opts.refreshTtlSec));

  app.decorate("authenticate", async (req: FastifyRequest) => {
    try {
      await req.jwtVerify();
    } catch (err) {
      throw unauthorized("invalid or expired token", err);
    }
    const c = req.user;
    if (typeof c.exp !== "number" || typeof c.sub !== "string" || typeof c.sid !== "string" || typeof c.email !== "string") {
      throw unauthorized("malformed token");
    }
    let user: User | null;
    try {
      // A token issued within the last second may name a session newer than a cached read.
      user = await users.get(c.email, typeof c.iat === "number" ? (c.iat + 1) * 1000 : 0);
    } catch (err) {
      throw new AppError("SERVICE_UNAVAILABLE", undefined, { cause: err });
    }
    const now = Date.now();
    const live = user?.sessions?.some((s) => s.id === c.sid && Date.parse(s.expiresAt) > now);
    if (!user || user.id !== c.sub || user.disabled || !live) throw unauthorized("the session has ended");
    req.user = { sub: user.id, email: user.email, role: user.role, sid: c.sid, exp: c.exp };
  });

  app.decorate("requireAdmin", async (req: FastifyRequest) => {
    if (req.user?.role !== "admin") throw new AppError("FORBIDDEN", "admins only");
  });

  app.decorate("issueTokens", (user: Pick<User, "id" | "email" | "role">, session: { id: string; gen: number; expiresAt: string }) => {
    const token = app.jwt.sign({ sub: user.id, email: user.email, role: user.role, sid: session.id });
    const { exp } = app.jwt.decode<{ exp: number }>(token) ?? { exp: 0 };
    const refreshToken = refresh.sign({ u: user.id, e: user.email, s: session.id, g: session.gen } satisfies RefreshClaims);
    return { token, expiresAt: new Date(exp * 1000).toISOString(), refreshToken, refreshExpiresAt: session.expiresAt };
  });

  app.decorate("readRefreshToken", (token: string): RefreshClaims | null => {
    const p = refresh.verify(token);
    if (!p || typeof p.u !== "string" || typeof p.e !== "string" || typeof p.s !== "string" || !Number.isInteger(p.g)) return null;
    return { u: p.u, e: p.e, s: p.s, g: p.g as number };
  });
}

export default fp(authPlugin, { name: "mp4t-auth", fastify: "5.x" });
