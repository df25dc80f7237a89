import type { Stage } from "@mp4t/contracts";
import { metricsEndpoint, workerSettings, type Logger, type WorkerEnvConfig } from "@mp4t/runtime";
import { createMessagingPorts, observeLanes, startServiceRuntime, workerInstrumentation, type Connection, type HandlerTable, type MessagingPorts, type JobEvents, type Publisher, type ServiceRuntime } from "@mp4t/messaging";
import { createStores, type StoresConfig } from "./factory.ts";
import { createJobLifecycle, type JobLifecycle } from "./job-lifecycle.ts";
import type { BlobStore, JobStore } from "./ports.ts";
import type { ServiceName } from "@mp4t/contracts";

/** What every pipeline handler may depend on; each handler takes the narrow part it needs. */
export type PipelineDeps = {
  /** The job's events: a handler watches them to stop a long step when the job is canceled. */
  events: Pick<JobEvents, "watchEnd">;
  jobs: JobStore;
  blobs: BlobStore;
  publisher: Publisher;
  lifecycle: JobLifecycle;
  logger: Logger;
};

type PipelineConfig = WorkerEnvConfig & StoresConfig;

const PIPELINE_STAGE: Partial<Record<Stage, "ingest" | "transcribe" | "diarize" | "enhance">> = {
  ingest: "ingest", transcribe: "transcribe", diarize: "diarize", enhance: "enhance",
};

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
}): Promise<ServiceRuntime & { deps: PipelineDeps; ports: MessagingPorts }> {
  const stores = await createStores(opts.nc, opts.config, { users: false }); // workers never read users
  const ports = createMessagingPorts(opts.nc, { service: opts.service });
  const { publisher } = ports;
  const lifecycle = createJobLifecycle({ jobs: stores.jobs, publisher });
  const deps: PipelineDeps = { events: ports.events, jobs: stores.jobs, blobs: stores.blobs, publisher, lifecycle, logger: opts.logger };
  const handlers = opts.handlers(deps);
  observeLanes(ports.queues, Object.keys(handlers) as Stage[]);
  const runtime = await startServiceRuntime({
    service: opts.service,
    nc: opts.nc,
    logger: opts.logger,
    handlers,
    settings: workerSettings(opts.config),
    instrument: workerInstrumentation(),
    // Where Prometheus (or a test) finds this replica's /metrics when METRICS_PORT=0 picked a port.
    extraStats: () => ({ ...opts.extraStats?.(), ...(metricsEndpoint() ? { metricsPort: metricsEndpoint()!.port } : {}) }),
    onGiveUp: async (stage, msg, error) => {
      const ref = { userId: msg.userId, jobId: msg.jobId };
      if (stage === "cleanup") return; // housekeeping: the dead letter is the record
      const failed = await lifecycle.fail(ref, error.code, error.message, PIPELINE_STAGE[stage]);
      if (failed) {
        await publisher.command("cleanup", "batch", { v: 1, ...ref, reason: "failed" }, `cleanup:${msg.jobId}:failed`);
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
