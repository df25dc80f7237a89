import { AppError } from "@mp4t/contracts";
import { connectMongo, type MongoOptions } from "@mp4t/stores";
import { MongoServerError, type Collection } from "mongodb";
import { freeSlot, takeSlot, type EndpointSlot, type SlotOps } from "../endpoint-slots.ts";
import { DELIVERY_RETENTION_MS, WebhookDelivery, WebhookEndpoint, type WebhookStore } from "../store.ts";

const MAX_CAS_ATTEMPTS = 50;
const DUPLICATE_KEY = 11000;
const isDuplicateKey = (err: unknown) => err instanceof MongoServerError && err.code === DUPLICATE_KEY;

type Stored<T> = T & { _id: string; rev: number };
type EndpointDoc = Stored<WebhookEndpoint>;
type DeliveryDoc = Stored<WebhookDelivery>;

/** Most expired deliveries one prune removes (the next one takes the rest). */
const PRUNE_BATCH = 500;
/** The retry scan (every few seconds) prunes at most this often; creating a delivery always does. */
const SCAN_PRUNE_EVERY_MS = 60_000;

const strip = <T>({ _id, rev, ...v }: Stored<T>) => v as unknown as T;

/**
 * Webhook store on MongoDB (or a MongoDB-wire server), beside the job store: collections
 * `webhook_endpoints` and `webhook_deliveries`, `webhook_revisions` for the compare-and-set and
 * `webhook_slots` for the per-user cap (endpoint-slots.ts: a slot is taken by inserting its `_id`).
 * The delivery log keeps a delivery DELIVERY_RETENTION_MS after its last change, as the NATS KV
 * store's bucket does: pruned on write (each new delivery, and the retry scan at most once a
 * minute), not by a TTL index, which FerretDB v1 does not enforce (FerretDB#2415, TTL came in v2).
 */
export async function createMongoWebhookStore(opts: MongoOptions): Promise<WebhookStore> {
  // The job store's connection settings (timeouts, database from the URL), so webhooks sit beside it.
  const { client, db } = await connectMongo(opts);
  const endpoints: Collection<EndpointDoc> = db.collection("webhook_endpoints");
  const deliveries: Collection<DeliveryDoc> = db.collection("webhook_deliveries");
  const revisions: Collection<{ _id: string; doc: string; rev: number; value?: unknown }> = db.collection("webhook_revisions");
  const slotDocs: Collection<EndpointSlot & { _id: string; userId: string }> = db.collection("webhook_slots");
  await Promise.all([
    endpoints.createIndex({ userId: 1, _id: 1 }, { name: "user_endpoints" }),
    deliveries.createIndex({ endpointId: 1, createdAt: -1 }, { name: "endpoint_newest" }),
    deliveries.createIndex({ status: 1, nextAttemptAt: 1 }, { name: "due" }),
    deliveries.createIndex({ updatedAt: 1 }, { name: "last_change" }),
    revisions.createIndex({ doc: 1, rev: -1 }, { name: "doc_rev" }),
    slotDocs.createIndex({ userId: 1 }, { name: "user_slots" }),
  ]);
  const slots: SlotOps = {
    taken: async (userId) => (await slotDocs.find({ userId }).toArray()).map(({ n, endpointId, at }) => ({ n, endpointId, at })),
    async take(userId, slot) {
      try {
        await slotDocs.insertOne({ _id: `${userId}:${slot.n}`, userId, ...slot });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async free(userId, slot) {
      await slotDocs.deleteOne({ _id: `${userId}:${slot.n}`, endpointId: slot.endpointId });
    },
    endpointExists: async (userId, endpointId) => (await endpoints.countDocuments({ _id: endpointId, userId }, { limit: 1 })) > 0,
  };
  const dlId = (endpointId: string, id: string) => `${endpointId}:${id}`;

  /** Deletes deliveries last changed before the retention (ISO times order as strings) and their revisions. */
  let scanPrunedAt = 0;
  async function pruneExpired(now: number): Promise<void> {
    const cutoff = new Date(now - DELIVERY_RETENTION_MS).toISOString();
    const expired = await deliveries
      .find({ updatedAt: { $lt: cutoff } }, { projection: { _id: 1 } })
      .limit(PRUNE_BATCH)
      .toArray();
    if (expired.length === 0) return;
    const ids = expired.map((d) => d._id);
    await deliveries.deleteMany({ _id: { $in: ids }, updatedAt: { $lt: cutoff } });
    await revisions.deleteMany({ doc: { $in: ids.map((id) => `webhook_deliveries:${id}`) } });
  }

  /**
   * Compare-and-set as the job store does it: inserting revision `<collection>:<_id>:<rev+1>` (a
   * unique `_id`) picks exactly one writer, even where conditional updates are not atomic (FerretDB
   * v1 filters, then writes by `_id`: FerretDB#3040). The head is then brought to the newest
   * revision by whoever wrote last (`settle`), so an older head write landing late is repaired.
   * Revisions are kept (their values dropped once the head is past them) so a number is never
   * reused; they go with their endpoint.
   */
  const revisionId = (coll: string, id: string, rev: number) => `${coll}:${id}:${rev}`;
  async function settle<T>(coll: Collection<Stored<T>>, id: string): Promise<void> {
    for (;;) {
      const head = await coll.findOne({ _id: id } as never, { projection: { rev: 1 } });
      if (!head) return;
      const latest = await revisions.findOne({ doc: `${coll.collectionName}:${id}` }, { sort: { rev: -1 } });
      if (!latest?.value || latest.rev <= head.rev) {
        await revisions.updateMany({ doc: `${coll.collectionName}:${id}`, rev: { $lt: head.rev } }, { $unset: { value: "" } });
        return;
      }
      await coll.replaceOne({ _id: id, rev: { $lt: latest.rev } } as never, { ...(latest.value as T), rev: latest.rev } as never);
    }
  }

  async function update<T extends { updatedAt: string }>(
    coll: Collection<Stored<T>>,
    filter: Record<string, string>,
    parse: (v: unknown) => T,
    mutate: (c: T) => T | undefined,
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
        await revisions.insertOne({ _id: revisionId(coll.collectionName, doc._id, rev), doc: `${coll.collectionName}:${doc._id}`, rev, value: parsed });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        await settle(coll, doc._id); // another writer took this revision (and may have stopped before the head)
        continue;
      }
      await coll.replaceOne({ _id: doc._id, rev: { $lt: rev } } as never, { ...parsed, rev } as never);
      await settle(coll, doc._id);
      return parsed;
    }
    throw new AppError("INTERNAL", "webhook store: too many concurrent updates");
  }

  return {
    async createEndpoint(endpoint, maxPerUser) {
      const parsed = WebhookEndpoint.parse(endpoint);
      if (!(await takeSlot(slots, parsed.userId, parsed.id, maxPerUser))) return false;
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
      update(
        endpoints,
        { _id: id, userId },
        (v) => WebhookEndpoint.parse(v),
        (c) => {
          const next = mutate(c);
          return next && { ...next, id: c.id, userId: c.userId, createdAt: c.createdAt };
        },
      ),
    async deleteEndpoint(userId, id) {
      const r = await endpoints.deleteOne({ _id: id, userId });
      if (r.deletedCount !== 1) return false;
      await freeSlot(slots, userId, id);
      await deliveries.deleteMany({ endpointId: id });
      await revisions.deleteMany({ doc: { $regex: `^webhook_(endpoints|deliveries):${id}` } });
      return true;
    },
    async createDelivery(delivery) {
      const parsed = WebhookDelivery.parse(delivery);
      await pruneExpired(Date.now());
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
      update(
        deliveries,
        { _id: dlId(endpointId, id) },
        (v) => WebhookDelivery.parse(v),
        (c) => {
          const next = mutate(c);
          return next && { ...next, id: c.id, endpointId: c.endpointId, jobId: c.jobId, event: c.event, createdAt: c.createdAt };
        },
      ),
    async listDeliveries(endpointId, limit) {
      const docs = await deliveries.find({ endpointId }).sort({ createdAt: -1, _id: -1 }).limit(limit).toArray();
      return docs.map((d) => WebhookDelivery.parse(strip(d)));
    },
    async dueDeliveries(now, limit) {
      if (Date.now() - scanPrunedAt >= SCAN_PRUNE_EVERY_MS) await pruneExpired((scanPrunedAt = Date.now()));
      const docs = await deliveries
        .find({ status: "pending", nextAttemptAt: { $ne: null, $lte: now.toISOString() } })
        .sort({ nextAttemptAt: 1 })
        .limit(limit)
        .toArray();
      return docs.map((d) => WebhookDelivery.parse(strip(d)));
    },
    async close() {
      await client.close();
    },
  };
}
