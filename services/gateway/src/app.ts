import type { Job } from "@mp4t/contracts";
import { newId } from "@mp4t/contracts";
import { addDiskFreeSource, type Logger } from "@mp4t/runtime";
import type { MessagingPorts, Publisher } from "@mp4t/messaging";
import { createSqliteSearchIndex, type ApiKeyStore, type BlobStore, type JobStore, type SearchIndex } from "@mp4t/stores";
import type { JobLifecycle } from "@mp4t/pipeline";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { passwordHasher } from "./auth/password.ts";
import { assignScope } from "./auth/route-scopes.ts";
import { tokenSigner } from "./auth/signed-token.ts";
import { registrationMode, type GatewayConfig } from "./config.ts";
import { createCapabilitiesSource, type CapabilitiesSource } from "./capabilities/capabilities-source.ts";
import { errorBody, toHttpError } from "./errors/to-http-error.ts";
import { createJobEventHub } from "./events/job-event-hub.ts";
import { streamSlots } from "./events/stream-slots.ts";
import auditPlugin from "./plugins/audit.plugin.ts";
import authPlugin from "./plugins/auth.plugin.ts";
import rateLimitPlugin, { UNLIMITED_PATHS } from "./plugins/rate-limit.plugin.ts";
import securityHeaders from "./plugins/security-headers.plugin.ts";
import slowBody from "./plugins/slow-body.plugin.ts";
import { invitesRoutes } from "./routes/invites.routes.ts";
import { meRoutes } from "./routes/me.routes.ts";
import { usersRoutes } from "./routes/users.routes.ts";
import docsPlugin from "./plugins/docs.plugin.ts";
import errorsPlugin from "./plugins/errors.plugin.ts";
import { adminRoutes } from "./routes/admin.routes.ts";
import { capabilitiesRoutes } from "./routes/capabilities.routes.ts";
import { apiKeysRoutes, streamTokenRoutes } from "./routes/api-keys.routes.ts";
import { jobActionsRoutes } from "./routes/job-actions.routes.ts";
import { userEventsRoutes } from "./routes/user-events.routes.ts";
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
import { webappRoutes } from "./webapp/webapp.routes.ts";
import httpTelemetry from "./routes/metrics.routes.ts";
import { monitoringRoutes } from "./routes/monitoring.routes.ts";
import { webhooksRoutes } from "./routes/webhooks.routes.ts";
import { targetSettings, type WebhookStore } from "@mp4t/webhooks";
import { mediaRoutes } from "./routes/media.routes.ts";
import { uploadsRoutes } from "./routes/uploads.routes.ts";
import { createUploadQuota } from "./limits/user-quotas.ts";
import { createDiskGuard, dirPlace } from "./uploads/disk-guard.ts";
import { createUploadScratch } from "./uploads/upload-scratch.ts";
import { join } from "node:path";

export type GatewayDeps = {
  jobs: JobStore;
  blobs: BlobStore;
  /** API keys (hashed): NATS KV in the users bucket, or MongoDB (`createApiKeyStore`). */
  apiKeys: ApiKeyStore;
  publisher: Publisher;
  lifecycle: JobLifecycle;
  /** Queues, job events, discovery, dead letters: every NATS access goes through these ports. */
  messaging: MessagingPorts;
  config: GatewayConfig;
  logger: Logger;
  /** The search index (`server.ts` opens the configured one); an in-memory one when not given (tests). */
  search?: SearchIndex;
  /** What the live workers can do; read from NATS service discovery when not given. */
  capabilities?: CapabilitiesSource;
  /** Webhook endpoints and deliveries (`server.ts` opens the configured store); no /v1/webhooks without it. */
  webhooks?: WebhookStore;
};

export type HttpStats = { requests: number; clientErrors: number; serverErrors: number; openEventStreams: number };

declare module "fastify" {
  interface FastifyInstance {
    /** Counters for the instance's discovery stats. */
    httpStats(): HttpStats;
    /** Keeps the search index in step with job events; `server.ts` starts it once listening. */
    searchIndexer: SearchIndexer;
    /** What the live workers can do, and the option check every job-creation path runs (OPTION_UNSUPPORTED). */
    capabilities: CapabilitiesSource;
  }
}

const VERSION = "0.1.0";
/** How long a media link (a `<video>` source URL) plays: long enough for a long recording. */
const MEDIA_LINK_TTL_SEC = 6 * 3600;

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
  // Every /v1 route gets its scope (route-scopes.ts); one without fails start-up.
  app.addHook("onRoute", assignScope);
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
  // Every DELETE is announced (pages and event streams drop the job; its record goes a moment later,
  // with the janitor's cleanup); only a completed job can be in a search index.
  const onDeleted = async (job: Job) => {
    // The DELETE has been accepted either way; a failure here is caught up by the event or the next start.
    if (job.status === "completed") {
      await indexer
        .remove({ userId: job.userId, jobId: job.id })
        .catch((err: unknown) => deps.logger.warn({ err, jobId: job.id }, "search index: could not remove the job"));
    }
    await lifecycle.deleted(job).catch((err: unknown) => deps.logger.warn({ err, jobId: job.id }, "could not publish the deleted event"));
  };
  app.register(errorsPlugin);
  app.register(securityHeaders, { corsOrigins: config.CORS_ORIGINS });
  app.register(rateLimitPlugin, {
    perMin: config.RATE_LIMIT_PER_MIN,
    authPerIp: config.RATE_LIMIT_AUTH_PER_IP,
    authPerAccount: config.RATE_LIMIT_AUTH_PER_ACCOUNT,
    authWindowSec: config.RATE_LIMIT_AUTH_WINDOW_SEC,
  });
  app.register(slowBody, {
    bodyTimeoutMs: config.HTTP_BODY_TIMEOUT_SEC * 1000,
    uploadMinBytesPerSec: config.UPLOAD_MIN_BYTES_PER_SEC,
    uploadWindowMs: config.UPLOAD_RATE_WINDOW_SEC * 1000,
    isUpload: (req) => (req.method === "POST" && req.url.split("?")[0] === "/v1/jobs") || (req.method === "PATCH" && req.url.startsWith("/v1/uploads/")),
  });
  app.register(auditPlugin);
  app.register(docsPlugin, { version: VERSION, unlimitedPaths: UNLIMITED_PATHS }); // before every route it documents
  app.register(httpTelemetry, { metricsToken: config.METRICS_TOKEN }); // spans and metrics for every route, and GET /metrics
  app.register(authPlugin, {
    secret: config.JWT_SECRET,
    ttlSec: config.JWT_TTL_SEC,
    refreshTtlSec: config.REFRESH_TTL_SEC,
    cacheMs: config.AUTH_CACHE_MS,
    jobs,
    apiKeys: deps.apiKeys,
  });
  // Every route below follows the route convention (docs/architecture.md, "API: routes and the
  // OpenAPI document"): operationId, one tag, summary, security, a 2xx schema and errors("CODE", ...).
  // test/openapi-lint.test.ts names any route that does not; then run npm run client:generate.
  app.register(healthRoutes, { transport: messaging.transport, jobs, blobs });
  app.register(authRoutes, {
    prefix: "/v1/auth",
    jobs,
    registration: registrationMode(config),
    readInvite,
    passwords: passwordHasher(config.PASSWORD_HASH_COST),
  });
  app.register(streamTokenRoutes, { prefix: "/v1/auth" });
  app.register(meRoutes, { prefix: "/v1" });
  app.register(apiKeysRoutes, { prefix: "/v1", store: deps.apiKeys });
  const capabilities =
    deps.capabilities ??
    createCapabilitiesSource({
      discovery: messaging.discovery,
      logger: deps.logger,
      maxUploadBytes: config.MAX_UPLOAD_BYTES,
      maxActiveJobs: config.MAX_ACTIVE_JOBS_PER_USER,
    });
  app.decorate("capabilities", capabilities);
  app.register(capabilitiesRoutes, { prefix: "/v1", source: capabilities });
  const scratchDir = config.UPLOAD_SCRATCH_DIR ?? join(config.DATA_DIR, "uploads");
  const diskGuard = createDiskGuard({
    minFreeBytes: config.UPLOAD_MIN_FREE_BYTES,
    blobs: config.BLOB_STORE === "file" && config.BLOB_DIR ? dirPlace("blobs", config.BLOB_DIR) : undefined,
    scratch: dirPlace("upload scratch", scratchDir),
    logger: deps.logger,
  });
  const stopDiskMetric = addDiskFreeSource(diskGuard.read);
  app.addHook("onClose", async () => stopDiskMetric());
  const limits = { maxActiveJobs: config.MAX_ACTIVE_JOBS_PER_USER, storageQuotaBytes: config.STORAGE_QUOTA_BYTES, maxUploadBytes: config.MAX_UPLOAD_BYTES };
  const quota = createUploadQuota(jobs, limits);
  app.register(jobsRoutes, {
    prefix: "/v1/jobs",
    diskGuard,
    jobs,
    blobs,
    publisher,
    lifecycle,
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
    storageQuotaBytes: config.STORAGE_QUOTA_BYTES,
    quota,
    onDeleted,
    queue: messaging.estimator.estimate,
    checkOptions: capabilities.check,
  });
  app.register(jobActionsRoutes, { prefix: "/v1/jobs", jobs, blobs, publisher, lifecycle });
  const scratch = createUploadScratch({
    dir: scratchDir,
    expiryMs: config.UPLOAD_EXPIRY_SEC * 1000,
    maxTotalBytes: config.UPLOAD_SCRATCH_MAX_BYTES,
    maxPerUser: config.MAX_UPLOADS_PER_USER,
  });
  app.register(uploadsRoutes, {
    prefix: "/v1/uploads",
    jobs,
    blobs,
    publisher,
    lifecycle,
    scratch,
    limits,
    quota,
    diskGuard,
    sweepEveryMs: Math.min(600_000, config.UPLOAD_EXPIRY_SEC * 250),
    checkOptions: capabilities.check,
  });
  app.register(mediaRoutes, { prefix: "/v1/jobs", jobs, blobs, secret: config.JWT_SECRET, linkTtlSec: MEDIA_LINK_TTL_SEC });
  app.register(transcriptRoutes, { prefix: "/v1/jobs", jobs, blobs });
  app.register(transcriptEditRoutes, { prefix: "/v1/jobs", jobs, blobs, lifecycle, publisher, indexer, checkEnhancements: capabilities.checkEnhancements });
  app.register(searchRoutes, { prefix: "/v1/search", index: search });
  const slots = streamSlots({ maxPerUser: config.MAX_STREAMS_PER_USER, onOpen: (n) => void (stats.openEventStreams = n) });
  const heartbeatMs = config.SSE_HEARTBEAT_SEC * 1000;
  app.register(eventsRoutes, { prefix: "/v1/jobs", jobs, hub, events: messaging.events, heartbeatMs, slots });
  app.register(userEventsRoutes, { prefix: "/v1", hub, events: messaging.events, heartbeatMs, slots });
  if (deps.webhooks) {
    app.register(webhooksRoutes, {
      prefix: "/v1/webhooks",
      store: deps.webhooks,
      publisher,
      target: targetSettings(config),
      maxPerUser: config.WEBHOOK_MAX_PER_USER,
    });
  }
  app.register(adminRoutes, { prefix: "/v1/admin", discovery: messaging.discovery });
  app.register(usersRoutes, { prefix: "/v1/admin", jobs });
  app.register(invitesRoutes, {
    prefix: "/v1/admin",
    ttlSec: config.INVITE_TTL_SEC,
    makeInvite: (email, expiresAt) => invites.sign({ e: email, x: expiresAt.getTime(), n: newId() }),
  });
  app.register(deadLettersRoutes, { prefix: "/v1/admin", deadLetters: messaging.deadLetters, lifecycle });
  app.register(lanesRoutes, { prefix: "/v1/admin", queues: messaging.queues });
  app.register(monitoringRoutes, {
    prefix: "/v1/admin",
    transport: messaging.transport,
    events: messaging.events,
    queues: messaging.queues,
    discovery: messaging.discovery,
  });
  app.register(dashboardRoutes);
  app.register(webappRoutes);
  return app;
}
