import { LANES, SERVICE_NAMES, type Lane } from "@mp4t/contracts";
import { AppError } from "@mp4t/contracts";
import {
  instanceWorkers,
  type Discovery,
  type InstanceView,
  type JobEvents,
  type QueueInspector,
  type StageBacklog,
  type TransportProbe,
} from "@mp4t/messaging";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { summarizeJobEvents, systemSuccessRate, type JobActivity } from "../dashboard/job-activity.ts";
import { metricsHistory } from "../dashboard/metrics-history.ts";
import { sessionOnly, errors } from "../schemas/api.schema.ts";

export type MonitoringRoutesOptions = {
  transport: TransportProbe;
  events: Pick<JobEvents, "recent" | "since">;
  queues: Pick<QueueInspector, "stages" | "setLanePaused">;
  discovery: Pick<Discovery, "list">;
  /** How many of the newest job events the activity figures are computed from. */
  eventWindow?: number;
};

type StageCounters = { stage: string; inFlight: number; processed: number; failed: number; retried: number; deadLettered: number; redelivered: number };
const COUNTERS = ["inFlight", "processed", "failed", "retried", "deadLettered", "redelivered"] as const;

/** Sums the runner's per-instance counters (since each process started) by stage. */
export function stageCounters(instances: InstanceView[]): StageCounters[] {
  const by = new Map<string, StageCounters>();
  for (const i of instances) {
    for (const w of instanceWorkers(i)) {
      if (typeof w.stage !== "string") continue;
      const row = by.get(w.stage) ?? { stage: w.stage, inFlight: 0, processed: 0, failed: 0, retried: 0, deadLettered: 0, redelivered: 0 };
      for (const k of COUNTERS) row[k] += typeof w[k] === "number" ? (w[k] as number) : 0;
      by.set(w.stage, row);
    }
  }
  return [...by.values()];
}

const HistoryQuery = z.object({ minutes: z.coerce.number().int().min(5).max(180).default(60) });
const History = z.object({
  from: z.string(),
  to: z.string(),
  bucketSec: z.number(),
  events: z.number(),
  buckets: z.array(
    z.object({
      at: z.string(),
      completed: z.number(),
      failed: z.number(),
      stageLatencySec: z.record(z.string(), z.number()),
      waiting: z.record(z.string(), z.number()),
    }),
  ),
});
const HISTORY_MAX_EVENTS = 20_000;

const Backlog = z.object({
  lane: z.string(),
  stage: z.string(),
  stream: z.string(),
  consumer: z.string(),
  byClass: z.record(z.string(), z.number()),
  pending: z.number(),
  ackPending: z.number(),
  redelivered: z.number(),
  waitingPulls: z.number(),
  paused: z.boolean(),
  pauseUntil: z.string().nullable(),
  oldestAgeSec: z.number().nullable(),
  consumerExists: z.boolean(),
});
const Counters = z.object({
  stage: z.string(),
  inFlight: z.number(),
  processed: z.number(),
  failed: z.number(),
  retried: z.number(),
  deadLettered: z.number(),
  redelivered: z.number(),
});
const Health = z.object({
  status: z.enum(["healthy", "degraded", "unhealthy"]),
  checkedAt: z.string(),
  uptimeSec: z.number().describe("This gateway process."),
  nats: z.object({ connected: z.boolean(), rttMs: z.number().nullable(), error: z.string().optional() }),
  services: z.array(z.object({ name: z.string(), instances: z.number() })),
  missingServices: z.array(z.string()),
  successRate: z
    .number()
    .nullable()
    .describe(
      "completed / (completed + failed by the system) over the recent events window: jobs failed on the user's mistake (MEDIA_*, LANGUAGE_UNSUPPORTED, ENGINE_UNKNOWN) do not count.",
    ),
  tasks: z.object({ active: z.number(), processed: z.number(), failed: z.number(), retried: z.number(), deadLettered: z.number() }),
  queues: z.array(Backlog),
  problems: z.array(z.string()),
});
const Activity = z.object({
  window: z.object({ events: z.number(), from: z.string().nullable(), to: z.string().nullable() }),
  jobs: z.object({ seen: z.number(), queued: z.number(), completed: z.number(), failed: z.number(), canceled: z.number(), active: z.number() }),
  successRate: z.number().nullable(),
  throughputPerMin: z.object({ completed: z.number(), failed: z.number() }),
  failuresByCode: z.record(z.string(), z.number()),
  stageLatency: z.array(z.object({ stage: z.string(), count: z.number(), avgSec: z.number(), p50Sec: z.number(), p95Sec: z.number(), maxSec: z.number() })),
  recentJobs: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      progress: z.number(),
      stage: z.string().nullable(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
      firstSeen: z.string(),
      updatedAt: z.string(),
    }),
  ),
});
const MetricsView = Activity.extend({ stages: z.array(Counters), queues: z.array(Backlog) });
const LaneParams = z.object({ lane: z.enum(LANES) });
/** Longest pause one call may ask for (ten years); anything longer is a client mistake (400), not a date overflow. */
const FOREVER_SEC = 10 * 365 * 86_400;
const PauseBody = z
  .object({ forSec: z.number().int().min(1).max(FOREVER_SEC).optional().describe("Resume on its own after this many seconds; omitted: until resumed.") })
  .strict()
  .nullish();
const LaneState = z.object({
  lane: z.string(),
  consumers: z.array(z.object({ stage: z.string(), consumer: z.string(), paused: z.boolean(), pauseUntil: z.string().nullable() })),
});

const FOREVER_MS = FOREVER_SEC * 1000;
/** Below this share of finished jobs completing, health reports "degraded". */
const MIN_SUCCESS_RATE = 0.9;

/**
 * Monitoring for admins, what the replaced system's `health_check()` and `get_current_metrics()`
 * gave: GET /health, GET /metrics (job activity, stage counters, queues), and lane pause/resume.
 */
export const monitoringRoutes: FastifyPluginAsyncZod<MonitoringRoutesOptions> = async (app, opts) => {
  app.addHook("onRequest", app.authenticate);
  app.addHook("onRequest", app.requireAdmin);
  const window = opts.eventWindow ?? 2000;

  const safely = async <T>(what: string, fn: () => Promise<T>, problems: string[], fallback: T): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      problems.push(`${what}: ${(err as Error).message}`);
      return fallback;
    }
  };
  const activity = async (problems: string[]): Promise<JobActivity> =>
    summarizeJobEvents(await safely("job events", () => opts.events.recent(window), problems, []));

  app.get(
    "/health",
    {
      schema: {
        operationId: "getSystemHealth",
        tags: ["admin"],
        summary: "System health: NATS, live services, success rate, tasks, queues",
        security: sessionOnly,
        response: { 200: Health, ...errors("UNAUTHORIZED", "FORBIDDEN") },
      },
    },
    async () => {
      const problems: string[] = [];
      let nats: z.infer<typeof Health>["nats"] = { connected: !opts.transport.closed(), rttMs: null };
      try {
        nats.rttMs = await opts.transport.rttMs();
      } catch (err) {
        nats = { connected: false, rttMs: null, error: (err as Error).message };
      }
      if (!nats.connected) problems.push("NATS is not reachable");
      const [instances, queues, act] = await Promise.all([
        safely("service discovery", () => opts.discovery.list(), problems, [] as InstanceView[]),
        safely("queues", () => opts.queues.stages(), problems, [] as StageBacklog[]),
        activity(problems),
      ]);
      const services = SERVICE_NAMES.map((name) => ({ name, instances: instances.filter((i) => i.name === name).length }));
      const missing = services.filter((s) => s.instances === 0).map((s) => s.name);
      if (missing.length) problems.push(`no live instance of ${missing.join(", ")}`);
      const paused = queues.filter((q) => q.paused).map((q) => q.stage);
      if (paused.length) problems.push(`paused: ${paused.join(", ")}`);
      const counters = stageCounters(instances);
      const sum = (k: (typeof COUNTERS)[number]) => counters.reduce((a, c) => a + c[k], 0);
      const successRate = systemSuccessRate(act);
      if (successRate !== null && successRate < MIN_SUCCESS_RATE)
        problems.push(`success rate ${(successRate * 100).toFixed(1)} % is below ${MIN_SUCCESS_RATE * 100} %`);
      const status = !nats.connected ? "unhealthy" : problems.length ? "degraded" : "healthy";
      return {
        status,
        checkedAt: new Date().toISOString(),
        uptimeSec: Math.round(process.uptime()),
        nats,
        services,
        missingServices: missing,
        successRate,
        tasks: { active: sum("inFlight"), processed: sum("processed"), failed: sum("failed"), retried: sum("retried"), deadLettered: sum("deadLettered") },
        queues,
        problems,
      } as const;
    },
  );

  app.get(
    "/metrics",
    {
      schema: {
        operationId: "getJobMetrics",
        tags: ["admin"],
        summary: "Job activity (completed, failed, active, latencies, recent jobs), per-stage counters, queues",
        security: sessionOnly,
        response: { 200: MetricsView, ...errors("UNAUTHORIZED", "FORBIDDEN", "SERVICE_UNAVAILABLE") },
      },
    },
    async () => {
      const problems: string[] = [];
      const [act, instances, queues] = await Promise.all([
        activity(problems),
        safely("service discovery", () => opts.discovery.list(), problems, [] as InstanceView[]),
        safely("queues", () => opts.queues.stages(), problems, [] as StageBacklog[]),
      ]);
      if (problems.length === 3) throw new AppError("SERVICE_UNAVAILABLE", problems.join("; "));
      return { ...act, stages: stageCounters(instances), queues };
    },
  );

  app.get(
    "/metrics/history",
    {
      schema: {
        operationId: "getMetricsHistory",
        tags: ["admin"],
        summary: "Per minute over the last hour (or `minutes`): jobs completed and failed, mean stage latency, jobs waiting per stage",
        description: `Computed from the job events (at most ${HISTORY_MAX_EVENTS}), for the dashboard's charts.`,
        security: sessionOnly,
        querystring: HistoryQuery,
        response: { 200: History, ...errors("VALIDATION_FAILED", "UNAUTHORIZED", "FORBIDDEN", "SERVICE_UNAVAILABLE") },
      },
    },
    async (req) => {
      const now = Date.now();
      const events = await opts.events.since(new Date(now - req.query.minutes * 60_000), HISTORY_MAX_EVENTS).catch((err: unknown) => {
        throw new AppError("SERVICE_UNAVAILABLE", "could not read the job events", { cause: err });
      });
      return metricsHistory(events, now, req.query.minutes);
    },
  );

  const pauseOrResume = async (lane: Lane, until: Date | null) => {
    try {
      return { lane, consumers: await opts.queues.setLanePaused(lane, until) };
    } catch (err) {
      if (/not found/i.test((err as Error).message)) throw new AppError("NOT_FOUND", `lane ${lane} has no consumer yet (its service never started)`);
      throw new AppError("SERVICE_UNAVAILABLE", undefined, { cause: err });
    }
  };
  app.post(
    "/lanes/:lane/pause",
    {
      schema: {
        operationId: "pauseLane",
        tags: ["admin"],
        summary: "Pause a lane: its consumers hand out nothing (messages keep queueing) until resumed",
        security: sessionOnly,
        params: LaneParams,
        body: PauseBody,
        response: {
          200: LaneState,
          ...errors("VALIDATION_FAILED", "INVALID_JSON", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "UNSUPPORTED_CONTENT_TYPE", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req) => pauseOrResume(req.params.lane, new Date(Date.now() + (req.body?.forSec ? req.body.forSec * 1000 : FOREVER_MS))),
  );
  app.post(
    "/lanes/:lane/resume",
    {
      schema: {
        operationId: "resumeLane",
        tags: ["admin"],
        summary: "Resume a paused lane",
        security: sessionOnly,
        params: LaneParams,
        response: {
          200: LaneState,
          ...errors("VALIDATION_FAILED", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "SERVICE_UNAVAILABLE", "INVALID_JSON", "UNSUPPORTED_CONTENT_TYPE"),
        },
      },
    },
    async (req) => pauseOrResume(req.params.lane, null),
  );
};
