import fastifyJwt from "@fastify/jwt";
import type { User } from "@mp4t/contracts";
import { AppError, newId } from "@mp4t/contracts";
import type { ApiKeyStore, JobStore } from "@mp4t/stores";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { apiKeyCache, looksLikeApiKey, type ApiKeyCache } from "../auth/api-keys.ts";
import type { RouteScope } from "../auth/route-scopes.ts";
import { sessionStore, type RefreshClaims, type SessionStore } from "../auth/sessions.ts";
import { tokenSigner } from "../auth/signed-token.ts";
import { userCache, type UserCache } from "../auth/user-cache.ts";

/** What a verified request carries. `role` comes from the store, never from the token. */
type Claims = {
  sub: string;
  email: string;
  role: User["role"];
  sid: string;
  exp?: number;
  iat?: number;
  /** Set when the request came with an API key rather than a session's access token. */
  key?: { id: string; scopes: string[]; hash: string };
};

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
    /**
     * A stream token for the caller: 60 s, only as `?access_token=` on the SSE routes, bound to the
     * session (or API key) that asked for it, so it dies with that session or key.
     */
    issueStreamToken(caller: Pick<Claims, "sub" | "email" | "sid" | "key">): { token: string; expiresAt: string };
    sessions: SessionStore;
    users: UserCache;
    apiKeys: ApiKeyCache;
  }
}

export type AuthPluginOptions = { secret: string; ttlSec: number; refreshTtlSec: number; cacheMs: number; jobs: JobStore; apiKeys: ApiKeyStore };

export const STREAM_TOKEN_TTL_MS = 60_000;

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
  const keys = apiKeyCache(opts.apiKeys, { cacheMs: opts.cacheMs, logger: app.log });
  app.decorate("apiKeys", keys);
  app.addHook("onClose", async () => keys.drain());
  const streamTokens = tokenSigner(opts.secret, "st1");

  const liveUser = async (email: string, notBefore = 0) => {
    try {
      return await users.get(email, notBefore);
    } catch (err) {
      throw new AppError("SERVICE_UNAVAILABLE", undefined, { cause: err });
    }
  };

  /** An API key: its user must exist and be enabled, and its scopes must cover the route. */
  const authenticateKey = async (req: FastifyRequest, token: string, scope: RouteScope | undefined) => {
    const key = await keys.get(token).catch((err: unknown) => {
      throw new AppError("SERVICE_UNAVAILABLE", undefined, { cause: err });
    });
    if (!key) {
      await app.limitAuthAddress(req); // guessing keys counts like failed logins
      throw unauthorized("unknown or revoked API key");
    }
    const user = await liveUser(key.email);
    if (!user || user.id !== key.userId || user.disabled) throw unauthorized("the key's account is gone or disabled");
    const allowed = scope === "public" || (scope !== undefined && scope !== "session" && key.scopes.includes(scope));
    if (!allowed) {
      throw new AppError(
        "INSUFFICIENT_SCOPE",
        scope && scope !== "session" ? `this API key lacks the ${scope} scope` : "this route needs a signed-in session, not an API key",
      );
    }
    keys.used(key);
    req.user = { sub: user.id, email: user.email, role: user.role, sid: `key:${key.id}`, key: { id: key.id, scopes: key.scopes, hash: key.hash } };
  };

  /** The session named by an access token (or a stream token) is still live on the user record. */
  const sessionLive = (user: User, sid: string) => user.sessions?.some((s) => s.id === sid && Date.parse(s.expiresAt) > Date.now()) === true;

  /**
   * A stream token (`?access_token=`, SSE routes only): signed by us, unexpired, its user enabled,
   * and the session or API key it was issued to still live. So a logout, "sign out everywhere", a
   * password change (which ends the other sessions) or a revoked key ends the tokens issued to it
   * like their access tokens: at once on this replica, within AUTH_CACHE_MS on the others.
   */
  const authenticateStreamToken = async (req: FastifyRequest, token: string) => {
    const p = streamTokens.verify(token);
    if (!p || typeof p.u !== "string" || typeof p.e !== "string" || typeof p.x !== "number" || p.x <= Date.now()) {
      throw unauthorized("invalid or expired stream token");
    }
    if (typeof p.s !== "string" && typeof p.k !== "string") throw unauthorized("invalid or expired stream token");
    // Issued within the last second: its session may be newer than a cached read (as for access tokens).
    const user = await liveUser(p.e, typeof p.i === "number" ? p.i : 0);
    if (!user || user.id !== p.u || user.disabled) throw unauthorized("the account is gone or disabled");
    if (typeof p.s === "string" ? !sessionLive(user, p.s) : !(await liveKey(p.k as string, user.id))) {
      throw unauthorized("the session or API key this stream token was issued to has ended");
    }
    req.user = { sub: user.id, email: user.email, role: user.role, sid: "stream" };
  };
  const liveKey = async (hash: string, userId: string) => {
    const key = await keys.byHash(hash).catch((err: unknown) => {
      throw new AppError("SERVICE_UNAVAILABLE", undefined, { cause: err });
    });
    return key?.userId === userId;
  };

  app.decorate("issueStreamToken", (caller: Pick<Claims, "sub" | "email" | "sid" | "key">) => {
    const now = Date.now();
    const x = now + STREAM_TOKEN_TTL_MS;
    const via = caller.key ? { k: caller.key.hash } : { s: caller.sid };
    return { token: streamTokens.sign({ u: caller.sub, e: caller.email, ...via, i: now, x, n: newId() }), expiresAt: new Date(x).toISOString() };
  });

  app.decorate("authenticate", async (req: FastifyRequest) => {
    const { scope, streamToken } = req.routeOptions.config;
    const header = req.headers.authorization;
    if (header === undefined && streamToken) {
      const token = (req.query as { access_token?: unknown } | undefined)?.access_token;
      if (typeof token === "string") return authenticateStreamToken(req, token);
    }
    const bearerToken = /^Bearer +(\S+)$/i.exec(header ?? "")?.[1];
    if (bearerToken && looksLikeApiKey(bearerToken)) return authenticateKey(req, bearerToken, scope);
    try {
      await req.jwtVerify();
    } catch (err) {
      throw unauthorized("invalid or expired token", err);
    }
    const c = req.user;
    if (typeof c.exp !== "number" || typeof c.sub !== "string" || typeof c.sid !== "string" || typeof c.email !== "string") {
      throw unauthorized("malformed token");
    }
    // A token issued within the last second may name a session newer than a cached read.
    const user = await liveUser(c.email, typeof c.iat === "number" ? (c.iat + 1) * 1000 : 0);
    if (!user || user.id !== c.sub || user.disabled || !sessionLive(user, c.sid)) throw unauthorized("the session has ended");
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
