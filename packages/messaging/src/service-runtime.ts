import { STAGE_LANES, STAGE_SERVICES, STAGES, type ServiceName, type Stage } from "@mp4t/contracts";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { AppError } from "@mp4t/contracts";
import type { Logger, RuntimeSettings } from "@mp4t/runtime";
import { prepareWorkerTopology } from "./nats-permissions.topology.ts";
import { streamsNeeded } from "./nats-permissions.ts";
import { createDiscovery } from "./discovery.ts";
import { createWorker, type Handler, type Worker, type WorkerInstrumentation, type WorkerStats } from "./worker.ts";
import type { Command, InstanceCapabilities } from "@mp4t/contracts";

export type HandlerTable = { [S in Stage]?: Handler<S> };

/**
 * One handler per subject, checked at boot: a service must handle exactly the stages
 * contracts assign to it, no fewer and no more.
 */
export function checkHandlerTable(service: ServiceName, table: HandlerTable): Stage[] {
  const owned = STAGES.filter((s) => STAGE_SERVICES[s] === service);
  const given = Object.keys(table) as Stage[];
  const missing = owned.filter((s) => typeof table[s] !== "function");
  const foreign = given.filter((s) => !owned.includes(s));
  if (missing.length || foreign.length) {
    throw new Error(
      `${service}: handler table does not match contracts` +
        (missing.length ? `; no handler for ${missing.join(", ")}` : "") +
        (foreign.length ? `; handlers for stages owned by other services: ${foreign.join(", ")}` : ""),
    );
  }
  return owned;
}

/** Per-lane settings from the profile (config.ts `workerSettings`). */
export type WorkerSettings = RuntimeSettings;

export type ServiceRuntime = { workers: Worker[]; stats(): WorkerStats[]; stop(graceMs: number): Promise<void> };

export async function startServiceRuntime(opts: {
  service: ServiceName;
  nc: NatsConnection;
  logger: Logger;
  handlers: HandlerTable;
  settings: WorkerSettings;
  onGiveUp?: <S extends Stage>(stage: S, msg: Command<S>, error: AppError) => Promise<void>;
  extraStats?: () => Record<string, unknown>;
  capabilities?: InstanceCapabilities;
  /** Tracing and metrics around every delivery (metrics.ts `workerInstrumentation`). */
  instrument?: WorkerInstrumentation;
  /**
   * After a worker has drained for recycling. Default: SIGTERM to this process, whose shutdown
   * path exits cleanly so the supervisor (scripts/supervise.mjs) starts a fresh one; in the all-in-one
   * process that restarts the whole process (every service in it).
   */
  onRecycle?: (reason: string) => void;
}): Promise<ServiceRuntime> {
  const stages = checkHandlerTable(opts.service, opts.handlers);
  const { settings } = opts;
  opts.logger.info(
    { profile: settings.profile, lanes: [...new Set(stages.map((s) => STAGE_LANES[s]))].map((l) => ({ lane: l, ...settings.lanes[l] })) },
    "worker profile",
  );
  for (const w of settings.warnings) opts.logger.warn({ profile: settings.profile }, `worker settings: ${w}`);
  const onRecycle = opts.onRecycle ?? (() => process.kill(process.pid, "SIGTERM"));
  // Workers do not own the topology (nats-permissions.ts): the gateway creates and updates it.
  await prepareWorkerTopology(opts.nc, streamsNeeded(opts.service, { kv: false, obj: false }), { replicas: settings.streamReplicas }, opts.logger);
  const jsm = await jetstreamManager(opts.nc);
  const js = jetstream(opts.nc);
  const workers = stages.map((stage) =>
    createWorker({
      js,
      jsm,
      stage,
      service: opts.service,
      logger: opts.logger,
      handler: opts.handlers[stage] as Handler<typeof stage>,
      ...laneOptions(settings, stage),
      onRecycle,
      ...(opts.onGiveUp ? { onGiveUp: (msg, err) => opts.onGiveUp!(stage, msg, err) } : {}),
      ...(opts.instrument ? { instrument: opts.instrument } : {}),
    }),
  );
  for (const w of workers) await w.start();
  const stats = () => workers.map((w) => w.stats());
  const svc = await createDiscovery(opts.nc).register({
    service: opts.service,
    lanes: [...new Set(stages.map((s) => STAGE_LANES[s]))],
    ...(opts.capabilities ? { capabilities: opts.capabilities } : {}),
    stats: () => ({ workers: stats(), uptimeSec: Math.round(process.uptime()), rssBytes: process.memoryUsage().rss, ...opts.extraStats?.() }),
  });
  return {
    workers,
    stats,
    async stop(graceMs) {
      await svc.stop().catch(() => undefined);
      await Promise.all(workers.map((w) => w.stop(graceMs)));
    },
  };
}

/** A stage's worker options from its lane's resolved profile settings. */
export function laneOptions(settings: RuntimeSettings, stage: Stage) {
  const l = settings.lanes[STAGE_LANES[stage]];
  return {
    concurrency: l.concurrency,
    autoscale: l.autoscale,
    maxAckPending: l.maxAckPending,
    ackWaitMs: l.ackWaitSec * 1000,
    maxDeliver: l.maxDeliver,
    backoff: l.backoff,
    deadlineMs: settings.deadlineMs,
    recycle: l.recycle,
    batchEvery: l.batchEvery,
    pollMs: l.pollMs,
  };
}
