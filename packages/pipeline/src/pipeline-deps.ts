import { createPublisher, type Logger, type Publisher } from "@mp4t/platform";
import type { BlobStore, JobStore } from "@mp4t/stores";
import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { createJobLifecycle, type JobLifecycle } from "./job-lifecycle.ts";

/** What every pipeline handler may depend on; each handler takes the narrow part it needs. */
export type PipelineDeps = {
  nc: NatsConnection;
  jobs: JobStore;
  blobs: BlobStore;
  publisher: Publisher;
  lifecycle: JobLifecycle;
  logger: Logger;
};

/**
 * The one wiring of stores -> publisher -> job lifecycle, used by the gateway, every worker and the
 * test harnesses. The stores are the caller's (it opened them and closes them).
 */
export function createPipelineDeps(opts: {
  service: string;
  nc: NatsConnection;
  stores: { jobs: JobStore; blobs: BlobStore };
  logger: Logger;
}): PipelineDeps {
  const publisher = createPublisher(jetstream(opts.nc), { service: opts.service });
  const lifecycle = createJobLifecycle({ jobs: opts.stores.jobs, publisher });
  return { nc: opts.nc, jobs: opts.stores.jobs, blobs: opts.stores.blobs, publisher, lifecycle, logger: opts.logger };
}
