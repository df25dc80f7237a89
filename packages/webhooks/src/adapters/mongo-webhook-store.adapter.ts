import { AppError } from "@mp4t/platform";
import { MongoClient, MongoServerError, type Collection } from "mongodb";
import { WebhookDelivery, WebhookEndpoint, type WebhookStore } from "../store.ts";

const MAX_CAS_ATTEMPTS = 50;
const DUPLICATE_KEY = 11000;
const isDuplicateKey = (err: unknown) => err instanceof MongoServerError && err.code === DUPLICATE_KEY;

type Stored<T> = T & { _id: string; rev: number };
type EndpointDoc = Stored<WebhookEndpoint>;
type DeliveryDoc = Stored<WebhookDelivery>;

const strip = <T>({ _id, rev, ...v }: Stored<T>) => v as unknown as T;

/**
 * Webhook store on MongoDB (or a MongoDB-wire server), beside the job store: collections
 * `webhook_endpoints` and `webhook_deliveries`, and `webhook_revisions` for the compare-and-set.
 */
export async function createMongoWebhookStore(opts: { url: string; database?: string; timeoutMs?: number }): Promise<WebhookStore> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const client = new MongoClient(opts.url, {
    ignoreUndefined: true, appName: "mp4t-webhooks",
    serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs, socketTimeoutMS: timeoutMs, waitQueueTimeoutMS: timeoutMs,
  });
  try {
    await client.connect();
  } catch (err) {
    await client.close().catch(() => {});
    throw new AppError("SERVICE_UNAVAILABLE", `MongoDB is unreachable: ${(err as Error).message}`, { cause: err });
  }
  const db = client.db(opts.database);
  const endpoints: Collection<EndpointDoc> = db.collection("webhook_endpoints");
  const deliveries: Collection<DeliveryDoc> = db.collection("webhook_deliveries");
  const revisions: Collection<{ _id: string; value: unknown }> = db.collection("webhook_revisions");
  await Promise.all([
    endpoints.createIndex({ userId: 1, _id: 1 }, { name: "user_endpoints" }),
    deliveries.createIndex({ endpointId: 1, createdAt: -1 }, { name: "endpoint_newest" }),
    deliveries.createIndex({ status: 1, nextAttemptAt: 1 }, { name: "due" }),
  ]);
  const dlId = (endpointId: string, id: string) => `${endpointId}:${id}`;

  /**
   * Compare-and-set as the job store does it: inserting revision `<_id>:<rev+1>` (a unique `_id`)
   * picks exactly one writer, even where conditional updates are not atomic (FerretDB v1,
   * FerretDB#3040). The revision holds the value, so a writer that stopped before writing the
   * head is completed by the next one.
   */
  async function update<T extends { updatedAt: string }>(
    coll: Collection<Stored<T>>, filter: Record<string, string>, parse: (v: unknown) => T, mutate: (c: T) => T | undefined,
  ): Promise<T | null> {
    for (let i = 0; i < MAX_CAS_ATTEMPTS; i++) {
      const doc = (await coll.findOne(filter as never)) as Stored<T> | null;
      if (!doc) return null;
      const current = parse(strip(doc));
      const next = mutate(structuredClone(current));
      if (!next) return current;
      const parsed = parse({ ...next, updatedAt: new Date().toISOString() });
      const rev = doc.rev + 1;
      try {
        await revisions.insertOne({ _id: `${coll.collectionName}:${doc._id}:${rev}`, value: parsed });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Someone else took this revision: make sure the head shows it (they may have stopped), then retry.
        const won = await revisions.findOne({ _id: `${coll.collectionName}:${doc._id}:${rev}` });
        if (won) await coll.replaceOne({ _id: doc._id, rev: doc.rev } as never, { ...(won.value as T), rev } as never);
        continue;
      }
      await coll.replaceOne({ _id: doc._id } as never, { ...parsed, rev } as never);
      await revisions.deleteOne({ _id: `${coll.collectionName}:${doc._id}:${doc.rev}` });
      return parsed;
    }
    throw new AppError("INTERNAL", "webhook store: too many concurrent updates");
  }

  return {
    async createEndpoint(endpoint, maxPerUser) {
      const parsed = WebhookEndpoint.parse(endpoint);
      if ((await endpoints.countDocuments({ userId: parsed.userId })) >= maxPerUser) return false;
      await endpoints.insertOne({ ...parsed, _id: parsed.id, rev: 0 });
      return true;
    },
    async getEndpoint(userId, id) {
      const doc = await endpoints.findOne({ _id: id, userId });
      return doc ? WebhookEndpoint.parse(strip(doc)) : null;
    },
    async listEndpoints(userId) {
      const docs = await endpoints.find({ userId }).sort({ _id: 1 }).limit(1000).toArray();
      return docs.map((d) => WebhookEndpoint.parse(strip(d)));
    },
    updateEndpoint: (userId, id, mutate) =>
      update(endpoints, { _id: id, userId }, (v) => WebhookEndpoint.parse(v), (c) => {
        const next = mutate(c);
        return next && { ...next, id: c.id, userId: c.userId, createdAt: c.createdAt };
      }),
    async deleteEndpoint(userId, id) {
      const r = await endpoints.deleteOne({ _id: id, userId });
      if (r.deletedCount !== 1) return false;
      await deliveries.deleteMany({ endpointId: id });
      for (const prefix of [`webhook_endpoints:${id}:`, `webhook_deliveries:${id}:`]) await revisions.deleteMany({ _id: { $regex: `^${prefix}` } });
      return true;
    },
    async createDelivery(delivery) {
      const parsed = WebhookDelivery.parse(delivery);
      try {
        await deliveries.insertOne({ ...parsed, _id: dlId(parsed.endpointId, parsed.id), rev: 0 });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async getDelivery(endpointId, id) {
      const doc = await deliveries.findOne({ _id: dlId(endpointId, id) });
      return doc ? WebhookDelivery.parse(strip(doc)) : null;
    },
    updateDelivery: (endpointId, id, mutate) =>
      update(deliveries, { _id: dlId(endpointId, id) }, (v) => WebhookDelivery.parse(v), (c) => {
        const next = mutate(c);
        return next && { ...next, id: c.id, endpointId: c.endpointId, jobId: c.jobId, event: c.event, createdAt: c.createdAt };
      }),
    async listDeliveries(endpointId, limit) {
      const docs = await deliveries.find({ endpointId }).sort({ createdAt: -1, _id: -1 }).limit(limit).toArray();
      return docs.map((d) => WebhookDelivery.parse(strip(d)));
    },
    async dueDeliveries(now, limit) {
      const docs = await deliveries.find({ status: "pending", nextAttemptAt: { $ne: null, $lte: now.toISOString() } })
        .sort({ nextAttemptAt: 1 }).limit(limit).toArray();
      return docs.map((d) => WebhookDelivery.parse(strip(d)));
    },
    async close() {
      await client.close();
    },
  };
}
