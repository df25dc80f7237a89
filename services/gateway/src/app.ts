import { createQueueEstimator, type Logger, type Publisher } from "@mp4t/platform";
import type { BlobStore, JobLifecycle, JobStore } from "@mp4t/stores";
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import Fastify, { type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { GatewayConfig } from "./config.ts";
import authPlugin from "./plugins/auth.plugin.ts";
import docsPlugin from "./plugins/docs.plugin.ts";
import errorsPlugin from "./plugins/errors.plugin.ts";
import { adminRoutes } from "./routes/admin.routes.ts";
import { authRoutes } from "./routes/auth.routes.ts";
import { deadLettersRoutes } from "./routes/dead-letters.routes.ts";
import { eventsRoutes } from "./routes/events.routes.ts";
import { healthRoutes } from "./routes/health.routes.ts";
import { jobsRoutes } from "./routes/jobs.routes.ts";
import { lanesRoutes } from "./routes/lanes.routes.ts";
import { transcriptRoutes } from "./routes/transcript.routes.ts";
import { dashboardRoutes } from "./dashboard/dashboard.routes.ts";
import httpTelemetry from "./routes/metrics.routes.ts";
import { monitoringRoutes } from "./routes/monitoring.routes.ts";

export type GatewayDeps = {
  jobs: JobStore;
  blobs: BlobStore;
  publisher: Publisher;
  lifecycle: JobLifecycle;
  nc: NatsConnection;
  config: Pick<GatewayConfig, "JWT_SECRET" | "JWT_TTL_SEC" | "MAX_UPLOAD_BYTES" | "SSE_HEARTBEAT_SEC">;
  logger: Logger;
};

export type HttpStats = { requests: number; clientErrors: number; serverErrors: number; openEventStreams: number };

declare module "fastify" {
  interface FastifyInstance {
    /** Counters for the instance's discovery stats. */
    httpStats(): HttpStats;
  }
}

const VERSION = "0.1.0";

/** The HTTP API, built but not listening: `main.ts` listens, tests use `inject` or port 0. */
export function buildApp(deps: GatewayDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: 1024 * 1024, // JSON bodies; uploads are multipart and limited by MAX_UPLOAD_BYTES
    return503OnClosing: true,
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.removeContentTypeParser("text/plain"); // bodies are JSON (or multipart uploads); anything else is 415

  const stats: HttpStats = { requests: 0, clientErrors: 0, serverErrors: 0, openEventStreams: 0 };
  app.decorate("httpStats", () => ({ ...stats }));
  app.addHook("onResponse", async (_req, reply) => {
    stats.requests++;
    if (reply.statusCode >= 500) stats.serverErrors++;
    else if (reply.statusCode >= 400) stats.clientErrors++;
  });

  const js = jetstream(deps.nc);
  let jsm: Promise<JetStreamManager> | undefined;
  const getJsm = () => (jsm ??= jetstreamManager(deps.nc).catch((err: unknown) => {
    jsm = undefined;
    throw err;
  }));

  const { jobs, blobs, publisher, lifecycle, nc, config } = deps;
  app.register(errorsPlugin);
  app.register(httpTelemetry); // spans and metrics for every route, and GET /metrics
  app.register(docsPlugin, { version: VERSION });
  app.register(authPlugin, { secret: config.JWT_SECRET, ttlSec: config.JWT_TTL_SEC });
  app.register(healthRoutes, { nc, jobs, blobs });
  app.register(authRoutes, { prefix: "/v1/auth", jobs });
  const queue = createQueueEstimator(getJsm);
  app.register(jobsRoutes, { prefix: "/v1/jobs", jobs, blobs, publisher, lifecycle, maxUploadBytes: config.MAX_UPLOAD_BYTES, queue: queue.estimate });
  app.register(transcriptRoutes, { prefix: "/v1/jobs", jobs, blobs });
  app.register(eventsRoutes, {
    prefix: "/v1/jobs", jobs, js, jsm: getJsm, heartbeatMs: config.SSE_HEARTBEAT_SEC * 1000,
    onOpen: (n) => void (stats.openEventStreams = n),
  });
  app.register(adminRoutes, { prefix: "/v1/admin", nc });
  app.register(deadLettersRoutes, { prefix: "/v1/admin", js, jsm: getJsm, lifecycle });
  app.register(lanesRoutes, { prefix: "/v1/admin", jsm: getJsm });
  app.register(monitoringRoutes, { prefix: "/v1/admin", nc, js, jsm: getJsm });
  app.register(dashboardRoutes);
  return app;
}
