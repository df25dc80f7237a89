import fastifyRateLimit from "@fastify/rate-limit";
import { AppError } from "@mp4t/platform";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";

declare module "fastify" {
  interface FastifyInstance {
    /**
     * Counts one attempt for `account` (a normalised email) and throws 429 RATE_LIMITED with
     * Retry-After once the account passed its limit, from whichever address the attempts come.
     */
    limitAccount(req: FastifyRequest, account: string): Promise<void>;
    /** Route config for the per-address limit of login, registration and refresh. */
    authRateLimit: { max: number; timeWindow: number; keyGenerator: (req: FastifyRequest) => string };
  }
}

export type RateLimitOptions = { perMin: number; authPerIp: number; authPerAccount: number; authWindowSec: number };

/** Probes are polled by load balancers from one address; they never count. */
const UNLIMITED = new Set(["/health", "/ready"]);

/**
 * @fastify/rate-limit: a global per-address limit on every route (in memory, per replica), a
 * tighter per-address one on the auth routes, and a per-account one checked once the body names
 * the account. Every refusal is 429 `{error: {code: "RATE_LIMITED"}}` with Retry-After.
 */
async function rateLimitPlugin(app: FastifyInstance, opts: RateLimitOptions) {
  for (const [k, v] of Object.entries(opts)) if (!(Number(v) > 0)) throw new Error(`rate limit: ${k} must be positive`);
  await app.register(fastifyRateLimit, {
    global: true,
    max: opts.perMin,
    timeWindow: 60_000,
    allowList: (req) => UNLIMITED.has(req.url.split("?")[0]!),
    errorResponseBuilder: (_req, ctx) => new AppError("RATE_LIMITED", `too many requests; retry in ${ctx.after}`),
  });
  const windowMs = opts.authWindowSec * 1000;
  app.decorate("authRateLimit", { max: opts.authPerIp, timeWindow: windowMs, keyGenerator: (req: FastifyRequest) => `auth:${req.ip}` });
  const perAccount = app.createRateLimit({ max: opts.authPerAccount, timeWindow: windowMs, keyGenerator: (req) => `account:${accountOf.get(req)}` });
  const accountOf = new WeakMap<FastifyRequest, string>();
  app.decorate("limitAccount", async (req: FastifyRequest, account: string) => {
    accountOf.set(req, account);
    const r = await perAccount(req);
    if (!r.isAllowed && r.isExceeded) {
      throw Object.assign(new AppError("RATE_LIMITED", `too many attempts for this account; retry in ${r.ttlInSeconds} s`), { retryAfterSec: r.ttlInSeconds });
    }
  });
}

export default fp(rateLimitPlugin, { name: "mp4t-rate-limit", fastify: "5.x" });
