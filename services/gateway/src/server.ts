import { type Logger } from "@mp4t/runtime";
import { createPublisher, ensureTopology, registerInstance } from "@mp4t/messaging";
import { createJobLifecycle, createStores, openSearchIndex } from "@mp4t/stores";
import { join } from "node:path";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { buildApp } from "./app.ts";
import { seedAdmin } from "./auth/seed-admin.ts";
import type { GatewayConfig } from "./config.ts";

/** Wires the gateway: topology, stores, publisher, admin seed, HTTP listener, discovery. */
export async function startGateway({ config, logger, nc }: { config: GatewayConfig; logger: Logger; nc: NatsConnection }) {
  await ensureTopology(await jetstreamManager(nc), { replicas: config.JETSTREAM_REPLICAS });
  const stores = await createStores(nc, config);
  const publisher = createPublisher(jetstream(nc), { service: "gateway" });
  const lifecycle = createJobLifecycle({ jobs: stores.jobs, publisher });
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    await seedAdmin(stores.jobs, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD }, logger);
  }
  const searchKind = config.SEARCH_INDEX ?? (config.JOB_STORE === "mongodb" ? "mongodb" : "embedded");
  const search = await openSearchIndex(searchKind === "mongodb"
    ? { kind: "mongodb", url: config.MONGODB_URL!, database: config.MONGODB_DATABASE, timeoutMs: config.MONGODB_TIMEOUT_MS }
    : { kind: "embedded", path: config.SEARCH_DB_PATH ?? join(config.DATA_DIR, "search", "index.db") });
  const app = buildApp({ jobs: stores.jobs, blobs: stores.blobs, publisher, lifecycle, nc, config, logger, search });
  await app.listen({ port: config.PORT, host: config.HOST });
  await app.searchIndexer.start();
  const svc = await registerInstance(nc, {
    service: "gateway",
    lanes: [],
    stats: () => ({ http: app.httpStats(), uptimeSec: Math.round(process.uptime()), rssBytes: process.memoryUsage().rss }),
  });
  return {
    async stop(_graceMs: number) {
      await svc.stop().catch(() => undefined);
      await app.close();
      await search.close();
      await stores.close();
    },
  };
}
