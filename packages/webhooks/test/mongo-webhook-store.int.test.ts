import { startFerretDb, type FerretDbServer } from "@mp4t/testing";
import { MongoClient } from "mongodb";
import { newId } from "@mp4t/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleDelivery, sampleEndpoint, webhookStoreConformance } from "../src/conformance/webhook-store.conformance.ts";
import { DELIVERY_RETENTION_MS } from "../src/store.ts";
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

describe("MongoDB wire webhook store: delivery log retention (as the NATS KV bucket's max age)", () => {
  it("drops deliveries last changed longer ago than the retention, with their revisions, at the next write", async () => {
    const database = `${run}_retention`;
    const store = await createMongoWebhookStore({ url, database });
    const client = await MongoClient.connect(url);
    try {
      const e = sampleEndpoint(newId());
      await store.createEndpoint(e, 10);
      const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
      const old = sampleDelivery(e);
      const recent = sampleDelivery(e);
      // Made long ago, changed since: the retention counts from the last change.
      const changed = sampleDelivery(e, { createdAt: at(DELIVERY_RETENTION_MS + 7_200_000) });
      for (const d of [old, recent, changed]) expect(await store.createDelivery(d)).toBe(true);
      for (const d of [old, changed]) await store.updateDelivery(e.id, d.id, (c) => ({ ...c, attempts: 1 })); // each leaves a revision
      // Then time passes: `old` was last changed just past the retention, `recent` just within it.
      const raw = client.db(database);
      const age = (id: string, updatedAt: string) => raw.collection("webhook_deliveries").updateOne({ _id: `${e.id}:${id}` } as never, { $set: { updatedAt } });
      await age(old.id, at(DELIVERY_RETENTION_MS + 60_000));
      await age(recent.id, at(DELIVERY_RETENTION_MS - 60_000));
      const revisionsOfOld = () => raw.collection("webhook_revisions").countDocuments({ doc: `webhook_deliveries:${e.id}:${old.id}` });
      expect(await revisionsOfOld()).toBe(1);

      const next = sampleDelivery(e);
      expect(await store.createDelivery(next)).toBe(true);
      expect(await store.getDelivery(e.id, old.id)).toBeNull();
      expect(await revisionsOfOld()).toBe(0);
      expect((await store.listDeliveries(e.id, 10)).map((d) => d.id).sort()).toEqual([recent.id, changed.id, next.id].sort());
      expect(await raw.collection("webhook_revisions").countDocuments({ doc: `webhook_deliveries:${e.id}:${changed.id}` })).toBe(1);
    } finally {
      await store.close();
      await client
        .db(database)
        .dropDatabase()
        .finally(() => client.close());
    }
  });

  it("the retry scan prunes too, so a log with no new deliveries still ages out", async () => {
    const database = `${run}_retention_scan`;
    const store = await createMongoWebhookStore({ url, database });
    try {
      const e = sampleEndpoint(newId());
      await store.createEndpoint(e, 10);
      const long = new Date(Date.now() - DELIVERY_RETENTION_MS - 60_000).toISOString();
      const old = sampleDelivery(e, { createdAt: long, updatedAt: long, status: "succeeded", nextAttemptAt: null });
      expect(await store.createDelivery(old)).toBe(true);
      expect(await store.getDelivery(e.id, old.id)).not.toBeNull();
      expect(await store.dueDeliveries(new Date(), 10)).toEqual([]);
      expect(await store.getDelivery(e.id, old.id)).toBeNull();
    } finally {
      await store.close();
      const client = await MongoClient.connect(url);
      await client
        .db(database)
        .dropDatabase()
        .finally(() => client.close());
    }
  });
});
