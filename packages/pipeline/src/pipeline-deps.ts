import type { Logger } from "@mp4t/runtime";
import { createMessagingPorts, type Connection, type JobEvents, type MessagingPorts, type Publisher } from "@mp4t/messaging";
import type { BlobStore, JobStore } from "@mp4t/stores";
import { createJobLifecycle, type JobLifecycle } from "./job-lifecycle.ts";

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

/**
 * The one wiring of stores -> messaging ports -> job lifecycle, used by the gateway, every worker
 * and the test harnesses. The stores are the caller's (it opened them and closes them); `ports`
 * is for the wiring code, not for handlers.
 */
export function createPipelineDeps(opts: {
  service: string;
  nc: Connection;
  stores: { jobs: JobStore; blobs: BlobStore };
  logger: Logger;
}): PipelineDeps & { ports: MessagingPorts } {
  const ports = createMessagingPorts(opts.nc, { service: opts.service });
  const { publisher } = ports;
  const lifecycle = createJobLifecycle({ jobs: opts.stores.jobs, publisher });
  return { events: ports.events, jobs: opts.stores.jobs, blobs: opts.stores.blobs, publisher, lifecycle, logger: opts.logger, ports };
}
