import fastifyRateLimit from "@fastify/rate-limit";
import { AppError } from "@mp4t/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";

declare module "fastify" {
  interface FastifyInstance {
    /**
     * Counts one attempt for `account` (a normalised email) and throws 429 RATE_LIMITED with
     * Retry-After once the account passed its limit, from whichever address the attempts come.
     */
    limitAccount(req: FastifyRequest, account: string): Promise<void>;
    /** onRequest hook of login, registration and refresh: their tighter per-address limit. */
    limitAuthAddress(req: FastifyRequest): Promise<void>;
  }
}

export type RateLimitOptions = { perMin: number; authPerIp: number; authPerAccount: number; authWindowSec: number };

/** Probes are polled by load balancers from one address; they never count. */
/** Probes an orchestrator polls; never rate-limited. */
export const UNLIMITED_PATHS: ReadonlySet<string> = new Set(["/health", "/ready"]);

/**
 * @fastify/rate-limit: a global per-address limit on every route (in memory, per replica), a
 * tighter per-address one on the auth routes, and a per-account one checked once the body names
 * the account. Every refusal is 429 `{error: {code: "RATE_LIMITED"}}` with Retry-After.
 */
async function rateLimitPlugin(app: FastifyInstance, opts: RateLimitOptions) {
  for (const [k, v] of Object.entries(opts)) if (!(Number(v) > 0)) throw new Error(`rate limit: ${k} must be positive`);
  // Not per route (global: false): a route's own hooks run after the instance's, so a per-route
  // limit would come after authentication and never count a flood of unauthenticated requests.
  await app.register(fastifyRateLimit, {
    global: false,
    max: opts.perMin,
    timeWindow: 60_000,
    allowList: (req) => UNLIMITED_PATHS.has(req.url.split("?")[0]!),
    errorResponseBuilder: (_req, ctx) => new AppError("RATE_LIMITED", `too many requests; retry in ${ctx.after}`),
  });
  app.addHook("onRequest", app.rateLimit());

  const windowMs = opts.authWindowSec * 1000;
  const keys = new WeakMap<FastifyRequest, string>();
  const limiter = (max: number, what: string) => {
    const check = app.createRateLimit({ max, timeWindow: windowMs, keyGenerator: (req) => keys.get(req)! });
    return async (req: FastifyRequest, key: string) => {
      keys.set(req, key);
      const r = await check(req);
      if (!r.isAllowed && r.isExceeded) {
        throw Object.assign(new AppError("RATE_LIMITED", `too many attempts ${what}; retry in ${r.ttlInSeconds} s`), { retryAfterSec: r.ttlInSeconds });
      }
    };
  };
  const perAddress = limiter(opts.authPerIp, "from this address");
  const perAccount = limiter(opts.authPerAccount, "for this account");
  app.decorate("limitAuthAddress", async (req: FastifyRequest) => perAddress(req, `auth-ip:${req.ip}`));
  app.decorate("limitAccount", async (req: FastifyRequest, account: string) => perAccount(req, `auth-account:${account}`));
}

export default fp(rateLimitPlugin, { name: "mp4t-rate-limit", fastify: "5.x" });
