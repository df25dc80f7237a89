import fastifyCors from "@fastify/cors";
import fastifyHelmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

export type SecurityHeadersOptions = { corsOrigins: string[] };

/**
 * @fastify/helmet on every response (API, errors, /docs, /metrics; the dashboard sets its own,
 * stricter CSP over helmet's), and CORS only for the origins listed in CORS_ORIGINS: with none,
 * no CORS headers at all, so browsers keep the same-origin rule.
 */
async function securityHeaders(app: FastifyInstance, opts: SecurityHeadersOptions) {
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: true,
      // Deployments on plain http (the embedded default) would have /docs' scripts upgraded to https and fail.
      directives: { "upgrade-insecure-requests": null },
    },
  });
  if (opts.corsOrigins.length > 0) {
    await app.register(fastifyCors, {
      origin: opts.corsOrigins,
      methods: ["GET", "POST", "DELETE", "PATCH"],
      allowedHeaders: ["authorization", "content-type", "last-event-id"],
      maxAge: 600,
    });
  }
}

export default fp(securityHeaders, { name: "mp4t-security-headers", fastify: "5.x" });
