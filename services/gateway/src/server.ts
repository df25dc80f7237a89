import type { Logger } from "@mp4t/runtime";
import { ensureTopologyOn, type Connection } from "@mp4t/messaging";
import { createApiKeyStore, createStores, openSearchIndex } from "@mp4t/stores";
import { createPipelineDeps } from "@mp4t/pipeline";
import { createWebhookStore } from "@mp4t/webhooks";
import { join } from "node:path";
import { buildApp } from "./app.ts";
import { seedAdmin } from "./auth/seed-admin.ts";
import type { GatewayConfig } from "./config.ts";

/** Wires the gateway: topology, stores, publisher, admin seed, HTTP listener, discovery. */
export async function startGateway({ config, logger, nc }: { config: GatewayConfig; logger: Logger; nc: Connection }) {
  await ensureTopologyOn(nc, { replicas: config.JETSTREAM_REPLICAS });
  const stores = await createStores(nc, config);
  const apiKeys = await createApiKeyStore(nc, config);
  const { publisher, lifecycle, ports: messaging } = createPipelineDeps({ service: "gateway", nc, stores, logger });
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    await seedAdmin(stores.jobs, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD }, logger, config.PASSWORD_HASH_COST);
  }
  const searchKind = config.SEARCH_INDEX ?? (config.JOB_STORE === "mongodb" ? "mongodb" : "embedded");
  const search = await openSearchIndex(
    searchKind === "mongodb"
      ? { kind: "mongodb", url: config.MONGODB_URL!, database: config.MONGODB_DATABASE, timeoutMs: config.MONGODB_TIMEOUT_MS }
      : { kind: "embedded", path: config.SEARCH_DB_PATH ?? join(config.DATA_DIR, "search", "index.db") },
  );
  const webhooks = await createWebhookStore(nc, config);
  const app = buildApp({ jobs: stores.jobs, blobs: stores.blobs, apiKeys, publisher, lifecycle, messaging, config, logger, search, webhooks });
  await app.listen({ port: config.PORT, host: config.HOST });
  await app.searchIndexer.start();
  const svc = await messaging.discovery.register({
    service: "gateway",
    lanes: [],
    stats: () => ({ http: app.httpStats(), uptimeSec: Math.round(process.uptime()), rssBytes: process.memoryUsage().rss }),
  });
  return {
    async stop(_graceMs: number) {
      await svc.stop().catch(() => undefined);
      await app.close();
      await search.close();
      await apiKeys.close();
      await webhooks.close();
      await stores.close();
    },
  };
}
