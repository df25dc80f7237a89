import { apiKeyStoreConformance, blobStoreConformance, jobStoreConformance } from "@mp4t/stores/conformance";
import { startNats, type NatsServer } from "@mp4t/testing";
import { afterAll, beforeAll } from "vitest";
import { createNatsKvApiKeyStore, createNatsKvJobStore, createNatsObjectBlobStore } from "../src/index.ts";

let nats: NatsServer;
beforeAll(async () => {
  nats = await startNats();
});
afterAll(async () => {
  await nats?.[Symbol.asyncDispose]();
});

let n = 0;
jobStoreConformance("NATS KV", async () => {
  const nc = await nats.connect();
  const prefix = `t${++n}`;
  const store = await createNatsKvJobStore(nc, { prefix });
  return { store, cleanup: () => nc.close() };
});

blobStoreConformance(
  "NATS Object Store",
  async () => {
    const nc = await nats.connect();
    const store = await createNatsObjectBlobStore(nc, { bucket: `blobs-${++n}` });
    return { store, cleanup: () => nc.close() };
  },
  { readsInto: true },
);

apiKeyStoreConformance("NATS KV (users bucket)", async () => {
  const nc = await nats.connect();
  const store = await createNatsKvApiKeyStore(nc, { prefix: `k${++n}` });
  return { store, cleanup: () => nc.close() };
});
