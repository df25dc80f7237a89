import { startFerretDb, type FerretDbServer } from "@mp4t/testing";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll } from "vitest";
import { webhookStoreConformance } from "../src/conformance/webhook-store.conformance.ts";
import { createMongoWebhookStore } from "../src/adapters/mongo-webhook-store.adapter.ts";

// A real MongoDB where MONGODB_URL is set, else a FerretDB v1 started here; a database per test.
let ferret: FerretDbServer | undefined;
let url: string;
beforeAll(async () => {
  url = process.env.MONGODB_URL ?? (ferret = await startFerretDb()).url;
});
afterAll(async () => {
  await ferret?.stop();
});

const run = `mp4t_wh_${Date.now().toString(36)}_${process.pid}`;
let n = 0;
webhookStoreConformance("MongoDB wire", async () => {
  const database = `${run}_${++n}`;
  const store = await createMongoWebhookStore({ url, database });
  return {
    store,
    async cleanup() {
      const client = await MongoClient.connect(url);
      await client
        .db(database)
        .dropDatabase()
        .finally(() => client.close());
    },
  };
});
