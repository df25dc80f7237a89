import { PIPELINE, messageId, type InstanceCapabilities, type ServiceName, type Stage } from "@mp4t/contracts";
import { metricsEndpoint, workerSettings, type Logger, type WorkerEnvConfig } from "@mp4t/runtime";
import {
  observeLanes,
  startServiceRuntime,
  workerInstrumentation,
  type Connection,
  type HandlerTable,
  type MessagingPorts,
  type ServiceRuntime,
} from "@mp4t/messaging";
import { createStores, type StoresConfig } from "@mp4t/stores";
import { createPipelineDeps, type PipelineDeps } from "./pipeline-deps.ts";
import { jobFailure } from "./job-failure.ts";

type PipelineConfig = WorkerEnvConfig & StoresConfig;

/**
 * Wires a worker service: stores, publisher, job lifecycle, the shared runner. When the runner
 * gives up on a message, the job fails with the error's code and its temporary files are queued
 * for cleanup, so no job is left in `processing`.
 */
export async function startPipelineService(opts: {
  service: ServiceName;
  nc: Connection;
  logger: Logger;
  config: PipelineConfig;
  handlers: (deps: PipelineDeps) => HandlerTable;
  extraStats?: () => Record<string, unknown>;
  /** Advertised in service discovery for GET /v1/capabilities. */
  capabilities?: InstanceCapabilities;
}): Promise<ServiceRuntime & { deps: PipelineDeps; ports: MessagingPorts }> {
  const stores = await createStores(opts.nc, opts.config, { users: false }); // workers never read users
  const { ports, ...deps } = createPipelineDeps({ service: opts.service, nc: opts.nc, stores, logger: opts.logger });
  const { publisher, lifecycle } = deps;
  const handlers = opts.handlers(deps);
  observeLanes(ports.queues, Object.keys(handlers) as Stage[]);
  const runtime = await startServiceRuntime({
    service: opts.service,
    nc: opts.nc,
    logger: opts.logger,
    handlers,
    settings: workerSettings(opts.config),
    instrument: workerInstrumentation(),
    ...(opts.capabilities ? { capabilities: opts.capabilities } : {}),
    // Where Prometheus (or a test) finds this replica's /metrics when METRICS_PORT=0 picked a port.
    extraStats: () => ({ ...opts.extraStats?.(), ...(metricsEndpoint() ? { metricsPort: metricsEndpoint()!.port } : {}) }),
    onGiveUp: async (stage, msg, error) => {
      const ref = { userId: msg.userId, jobId: msg.jobId };
      if (stage === "cleanup" || stage === "webhook") return; // housekeeping: the dead letter is the record
      // The job says what failed in our words; the dead letter and the log keep the details.
      const step = PIPELINE[stage].step ?? undefined;
      const shown = jobFailure(error, step);
      const failed = await lifecycle.fail(ref, shown.code, shown.message, step);
      if (failed) {
        const cleanup = { v: 1 as const, ...ref, reason: "failed" as const };
        await publisher.command("cleanup", "batch", cleanup, messageId("cleanup", cleanup));
      }
    },
  });
  return {
    ...runtime,
    deps,
    ports,
    async stop(graceMs) {
      await runtime.stop(graceMs);
      await stores.close();
    },
  };
}
