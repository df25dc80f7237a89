import { startNats, type NatsServer } from "@mp4t/testing";
import { afterAll, beforeAll } from "vitest";
import { webhookStoreConformance } from "../src/conformance/webhook-store.conformance.ts";
import { createNatsKvWebhookStore } from "../src/adapters/nats-kv-webhook-store.adapter.ts";

let nats: NatsServer;
beforeAll(async () => {
  nats = await startNats();
});
afterAll(async () => {
  await nats?.[Symbol.asyncDispose]();
});

let n = 0;
webhookStoreConformance("NATS KV", async () => {
  const nc = await nats.connect();
  const store = await createNatsKvWebhookStore(nc, { prefix: `t${++n}` });
  return { store, cleanup: () => nc.close() };
});
