import { AppError } from "@mp4t/contracts";
import { httpDuration, httpRequests, lagMonitor, metricsText, startServerSpan, uploadBytes, uploadDuration, uploadSize, type ServerSpan } from "@mp4t/runtime";
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { z } from "zod";
import { errors as errorResponses } from "../schemas/api.schema.ts";

/** Probes, scrapes and the dashboard's static files are not worth a trace each. */
const UNTRACED = ["/health", "/ready", "/metrics", "/dashboard"];
const UPLOAD_ROUTE = "/v1/jobs";

const routeOf = (req: FastifyRequest) => req.routeOptions.url ?? "unmatched";
const digest = (s: string) => createHash("sha256").update(s).digest();

/** True when the request carries `Authorization: Bearer <token>` (compared in constant time). */
export function hasBearer(req: FastifyRequest, token: string): boolean {
  const m = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "");
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

export type HttpTelemetryOptions = {
  /** Bearer token GET /metrics requires on the API port; unset: /metrics is not served here (METRICS_PORT is). */
  metricsToken?: string | undefined;
};

/**
 * HTTP telemetry for every route: a SERVER span per request (continued from an incoming
 * `traceparent`) whose context the hooks and handler after it run in, so the publishes a handler
 * makes (an upload's ingest command) join the same trace; request and upload metrics; GET /metrics.
 */
/** Probes and scrapes (every 10-15 s): no span, and not work for the lag monitor, which they would keep sampling forever. */
const untraced = (route: string) => UNTRACED.some((p) => route.startsWith(p));

async function httpTelemetry(app: FastifyInstance, opts: HttpTelemetryOptions) {
  const spans = new WeakMap<FastifyRequest, ServerSpan>();
  const errors = new WeakMap<FastifyRequest, Error>();
  const startedAt = new WeakMap<FastifyRequest, number>();

  app.addHook("onRequest", (req, _reply, done) => {
    startedAt.set(req, performance.now());
    const route = routeOf(req);
    if (untraced(route)) return done();
    lagMonitor.markActive();
    const span = startServerSpan({ method: req.method, route, path: req.url.split("?")[0]!, headers: req.headers });
    spans.set(req, span);
    span.run(done);
  });

  /** `status` 499: the client went away first (nginx's convention). */
  const finish = (req: FastifyRequest, status: number, seconds: number) => {
    const route = routeOf(req);
    httpRequests.inc({ method: req.method, route, status_code: String(status) });
    httpDuration.observe({ method: req.method, route }, seconds);
    if (req.method === "POST" && route === UPLOAD_ROUTE) {
      const bytes = Number(req.headers["content-length"] ?? 0); // what crossed the wire, multipart framing included
      const outcome = status === 202 ? "accepted" : "rejected";
      if (bytes > 0) uploadBytes.inc({ outcome }, bytes);
      uploadDuration.observe({ outcome }, seconds);
      if (status === 202 && bytes > 0) uploadSize.observe(bytes);
    }
    spans.get(req)?.end(status, errors.get(req));
    spans.delete(req);
  };
  app.addHook("onError", async (req, _reply, err) => void errors.set(req, err));
  app.addHook("onResponse", async (req, reply) => {
    // The end of a request is work too (sampling restarts for another 2 s); not for probes and scrapes.
    if (!untraced(routeOf(req))) lagMonitor.markActive();
    finish(req, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.addHook("onRequestAbort", async (req) => finish(req, 499, (performance.now() - (startedAt.get(req) ?? performance.now())) / 1000));

  app.get(
    "/metrics",
    {
      schema: {
        operationId: "getMetrics",
        tags: ["ops"],
        summary: "Prometheus metrics of this gateway process (Authorization: Bearer METRICS_TOKEN)",
        description: "Served on the API port only when METRICS_TOKEN is set, and then only with it; otherwise scrape METRICS_PORT.",
        security: [{ metricsToken: [] }],
        response: {
          200: {
            description: "Prometheus text exposition format.",
            content: { "text/plain": { schema: z.string().describe("Prometheus text format 0.0.4.") } },
          },
          ...errorResponses("UNAUTHORIZED", "NOT_FOUND"),
        },
      },
    },
    async (req, reply) => {
      if (opts.metricsToken === undefined) {
        throw new AppError("NOT_FOUND", "metrics are not served on the API port: set METRICS_TOKEN, or scrape METRICS_PORT");
      }
      if (!hasBearer(req, opts.metricsToken)) throw new AppError("UNAUTHORIZED", "GET /metrics needs Authorization: Bearer <METRICS_TOKEN>");
      const m = await metricsText();
      return reply.type(m.contentType).send(m.body);
    },
  );
}

export default fp(httpTelemetry, { name: "mp4t-http-telemetry", fastify: "5.x" });
