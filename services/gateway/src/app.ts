import type { Job } from "@mp4t/contracts";
import { newId, type Logger } from "@mp4t/runtime";
import type { MessagingPorts, Publisher } from "@mp4t/messaging";
import { createSqliteSearchIndex, type BlobStore, type JobLifecycle, type JobStore, type SearchIndex } from "@mp4t/stores";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { passwordHasher } from "./auth/password.ts";
import { tokenSigner } from "./auth/signed-token.ts";
import { registrationMode, type GatewayConfig } from "./config.ts";
import { errorBody, toHttpError } from "./errors/to-http-error.ts";
import { createJobEventHub } from "./events/job-event-hub.ts";
import auditPlugin from "./plugins/audit.plugin.ts";
import authPlugin from "./plugins/auth.plugin.ts";
import rateLimitPlugin from "./plugins/rate-limit.plugin.ts";
import securityHeaders from "./plugins/security-headers.plugin.ts";
import slowBody from "./plugins/slow-body.plugin.ts";
import { invitesRoutes } from "./routes/invites.routes.ts";
import { meRoutes } from "./routes/me.routes.ts";
import { usersRoutes } from "./routes/users.routes.ts";
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
import { transcriptEditRoutes } from "./routes/transcript-edit.routes.ts";
import { searchRoutes } from "./routes/search.routes.ts";
import { createSearchIndexer, type SearchIndexer } from "./transcripts/search-indexer.ts";
import { dashboardRoutes } from "./dashboard/dashboard.routes.ts";
import httpTelemetry from "./routes/metrics.routes.ts";
import { monitoringRoutes } from "./routes/monitoring.routes.ts";

export type GatewayDeps = {
  jobs: JobStore;
  blobs: BlobStore;
  publisher: Publisher;
  lifecycle: JobLifecycle;
  /** Queues, job events, discovery, dead letters: every NATS access goes through these ports. */
  messaging: MessagingPorts;
  config: GatewayConfig;
  logger: Logger;
  /** The search index (`server.ts` opens the configured one); an in-memory one when not given (tests). */
  search?: SearchIndex;
};

export type HttpStats = { requests: number; clientErrors: number; serverErrors: number; openEventStreams: number };

declare module "fastify" {
  interface FastifyInstance {
    /** Counters for the instance's discovery stats. */
    httpStats(): HttpStats;
    /** Keeps the search index in step with job events; `server.ts` starts it once listening. */
    searchIndexer: SearchIndexer;
  }
}

const VERSION = "0.1.0";

/** The HTTP API, built but not listening: `main.ts` listens, tests use `inject` or port 0. */
export function buildApp(deps: GatewayDeps): FastifyInstance {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: config.JSON_BODY_LIMIT_BYTES, // JSON bodies; uploads are multipart and limited by MAX_UPLOAD_BYTES
    return503OnClosing: true,
    // Node's requestTimeout must let the largest upload arrive; slow small bodies are the slow-body plugin's.
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_SEC * 1000,
    connectionTimeout: config.HTTP_IDLE_TIMEOUT_SEC * 1000,
    keepAliveTimeout: config.HTTP_KEEPALIVE_TIMEOUT_SEC * 1000,
    // Client addresses (for per-address limits) from X-Forwarded-For, through at most this many proxies.
    trustProxy: (_address: string, hop: number) => hop < config.TRUST_PROXY_HOPS,
    // A URL the router cannot even read (bad escapes, an overlong id) gets the API's error shape too.
    frameworkErrors: (err, _req, res) => {
      const e = toHttpError(err);
      const reply = res as unknown as FastifyReply;
      return reply.code(e.status).header("x-content-type-options", "nosniff").type("application/json; charset=utf-8").send(errorBody(e));
    },
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

  const { messaging } = deps;
  const hub = createJobEventHub(messaging.events, deps.logger);
  app.addHook("onClose", async () => hub.close());
  const invites = tokenSigner(config.JWT_SECRET, "inv1");
  const readInvite = (code: string) => {
    const p = invites.verify(code);
    return p && typeof p.e === "string" && typeof p.x === "number" && p.x > Date.now() ? p.e : null;
  };

  const { jobs, blobs, publisher, lifecycle } = deps;
  const search = deps.search ?? createSqliteSearchIndex({ path: ":memory:" });
  const indexer = createSearchIndexer({ index: search, jobs, blobs, events: messaging.events, logger: deps.logger });
  app.decorate("searchIndexer", indexer);
  app.addHook("onClose", async () => {
    await indexer.stop();
    if (!deps.search) await search.close();
  });
  // Only a completed job can be in a search index, so only its deletion is announced to the others.
  const onDeleted = async (job: Job) => {
    if (job.status !== "completed") return;
    // The DELETE has been accepted either way; a failure here is caught up by the event or the next start.
    await indexer.remove({ userId: job.userId, jobId: job.id }).catch((err: unknown) => deps.logger.warn({ err, jobId: job.id }, "search index: could not remove the job"));
    await lifecycle.deleted(job).catch((err: unknown) => deps.logger.warn({ err, jobId: job.id }, "could not publish the deleted event"));
  };
  app.register(errorsPlugin);
  app.register(securityHeaders, { corsOrigins: config.CORS_ORIGINS });
  app.register(rateLimitPlugin, {
    perMin: config.RATE_LIMIT_PER_MIN, authPerIp: config.RATE_LIMIT_AUTH_PER_IP,
    authPerAccount: config.RATE_LIMIT_AUTH_PER_ACCOUNT, authWindowSec: config.RATE_LIMIT_AUTH_WINDOW_SEC,
  });
  app.register(slowBody, {
    bodyTimeoutMs: config.HTTP_BODY_TIMEOUT_SEC * 1000, uploadMinBytesPerSec: config.UPLOAD_MIN_BYTES_PER_SEC,
    uploadWindowMs: config.UPLOAD_RATE_WINDOW_SEC * 1000, isUpload: (req) => req.method === "POST" && req.url.split("?")[0] === "/v1/jobs",
  });
  app.register(auditPlugin);
  app.register(httpTelemetry, { metricsToken: config.METRICS_TOKEN }); // spans and metrics for every route, and GET /metrics
  app.register(docsPlugin, { version: VERSION });
  app.register(authPlugin, {
    secret: config.JWT_SECRET, ttlSec: config.JWT_TTL_SEC, refreshTtlSec: config.REFRESH_TTL_SEC, cacheMs: config.AUTH_CACHE_MS, jobs,
  });
  app.register(healthRoutes, { transport: messaging.transport, jobs, blobs });
  app.register(authRoutes, { prefix: "/v1/auth", jobs, registration: registrationMode(config), readInvite, passwords: passwordHasher(config.PASSWORD_HASH_COST) });
  app.register(meRoutes, { prefix: "/v1" });
  app.register(jobsRoutes, {
    prefix: "/v1/jobs", jobs, blobs, publisher, lifecycle, maxUploadBytes: config.MAX_UPLOAD_BYTES,
    maxActiveJobs: config.MAX_ACTIVE_JOBS_PER_USER, storageQuotaBytes: config.STORAGE_QUOTA_BYTES, onDeleted, queue: messaging.estimator.estimate,
  });
  app.register(transcriptRoutes, { prefix: "/v1/jobs", jobs, blobs });
  app.register(transcriptEditRoutes, { prefix: "/v1/jobs", jobs, blobs, lifecycle, publisher, indexer });
  app.register(searchRoutes, { prefix: "/v1/search", index: search });
  app.register(eventsRoutes, {
    prefix: "/v1/jobs", jobs, hub, events: messaging.events, heartbeatMs: config.SSE_HEARTBEAT_SEC * 1000, maxPerUser: config.MAX_STREAMS_PER_USER,
    onOpen: (n) => void (stats.openEventStreams = n),
  });
  app.register(adminRoutes, { prefix: "/v1/admin", discovery: messaging.discovery });
  app.register(usersRoutes, { prefix: "/v1/admin", jobs });
  app.register(invitesRoutes, {
    prefix: "/v1/admin", ttlSec: config.INVITE_TTL_SEC,
    makeInvite: (email, expiresAt) => invites.sign({ e: email, x: expiresAt.getTime(), n: newId() }),
  });
  app.register(deadLettersRoutes, { prefix: "/v1/admin", deadLetters: messaging.deadLetters, lifecycle });
  app.register(lanesRoutes, { prefix: "/v1/admin", queues: messaging.queues });
  app.register(monitoringRoutes, { prefix: "/v1/admin", transport: messaging.transport, events: messaging.events, queues: messaging.queues, discovery: messaging.discovery });
  app.register(dashboardRoutes);
  return app;
}
