import { AppError } from "@mp4t/contracts";
import { createBucket, ensureBucketStream, latestEntries } from "@mp4t/stores";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { z } from "zod";
import { freeSlot, takeSlot, type EndpointSlot, type SlotOps } from "../endpoint-slots.ts";
import { DELIVERY_RETENTION_MS, WebhookDelivery, WebhookEndpoint, type WebhookStore } from "../store.ts";

const MAX_CAS_ATTEMPTS = 50;

const EndpointSlotValue: z.ZodType<EndpointSlot> = z.object({ n: z.number().int().min(0), endpointId: z.string(), at: z.string() });

const isWrongSequence = (err: unknown) => /wrong last sequence|key exists/i.test(String((err as Error)?.message));

/**
 * Webhook store on NATS KV (the embedded default). Bucket `<prefix>-webhooks`: endpoints at
 * `ep.<userId>.<endpointId>` and the per-user cap's slots at `slot.<userId>.<n>` (endpoint-slots.ts,
 * taken by `create`). Bucket `<prefix>-webhook-deliveries` (entries expire 30 days after
 * their last write): deliveries at `dl.<endpointId>.<deliveryId>` and, while one is pending, a due
 * marker `due.<endpointId>.<deliveryId>` holding its next attempt time, so the retry scan reads
 * only pending work. Listings are batched direct gets (no consumer, however many keys: `latestEntries`).
 */
export async function createNatsKvWebhookStore(nc: NatsConnection, opts: { prefix?: string; replicas?: number } = {}): Promise<WebhookStore> {
  const prefix = opts.prefix ?? "mp4t";
  const kvm = new Kvm(nc);
  const names = { endpoints: `${prefix}-webhooks`, deliveries: `${prefix}-webhook-deliveries` };
  const endpoints: KV = await createBucket(() => kvm.create(names.endpoints, { history: 1, replicas: opts.replicas ?? 1 }));
  // The bucket's max age is the delivery log's retention: an entry goes that long after its last write.
  const deliveries: KV = await createBucket(() => kvm.create(names.deliveries, { history: 1, replicas: opts.replicas ?? 1, ttl: DELIVERY_RETENTION_MS }));
  await ensureBucketStream(nc, `KV_${names.endpoints}`, opts.replicas);
  await ensureBucketStream(nc, `KV_${names.deliveries}`, opts.replicas);
  const jsm = await jetstreamManager(nc);
  const dec = new TextDecoder();

  async function readAll<T>(bucket: string, filter: string, schema: z.ZodType<T>): Promise<T[]> {
    const entries = await latestEntries(jsm, `KV_${bucket}`, `$KV.${bucket}.${filter}`);
    return [...entries.values()].map((e) => schema.parse(JSON.parse(dec.decode(e.data))));
  }

  async function read<T>(kv: KV, key: string, schema: z.ZodType<T>) {
    const e = await kv.get(key);
    return e && e.operation === "PUT" ? { value: schema.parse(e.json()), revision: e.revision } : null;
  }

  async function update<T extends { updatedAt: string }>(
    kv: KV,
    key: string,
    schema: z.ZodType<T>,
    mutate: (c: T) => T | undefined,
    after?: (v: T) => Promise<void>,
  ) {
    for (let i = 0; i < MAX_CAS_ATTEMPTS; i++) {
      const current = await read(kv, key, schema);
      if (!current) return null;
      const next = mutate(structuredClone(current.value));
      if (!next) return current.value;
      const parsed = schema.parse({ ...next, updatedAt: new Date().toISOString() });
      try {
        await kv.update(key, JSON.stringify(parsed), current.revision);
      } catch (err) {
        if (isWrongSequence(err)) continue;
        throw err;
      }
      await after?.(parsed);
      return parsed;
    }
    throw new AppError("INTERNAL", `${key}: too many concurrent updates`);
  }

  const epKey = (userId: string, id: string) => `ep.${userId}.${id}`;
  const dlKey = (endpointId: string, id: string) => `dl.${endpointId}.${id}`;
  const dueKey = (endpointId: string, id: string) => `due.${endpointId}.${id}`;
  /** Keeps the due marker in step with the delivery: present exactly while it is pending with a time. */
  const syncDue = async (d: WebhookDelivery) => {
    if (d.status === "pending" && d.nextAttemptAt) await deliveries.put(dueKey(d.endpointId, d.id), d.nextAttemptAt);
    else await deliveries.purge(dueKey(d.endpointId, d.id));
  };

  const slotKey = (userId: string, n: number) => `slot.${userId}.${n}`;
  const slots: SlotOps = {
    taken: (userId) => readAll(names.endpoints, `slot.${userId}.*`, EndpointSlotValue),
    async take(userId, slot) {
      try {
        await endpoints.create(slotKey(userId, slot.n), JSON.stringify(slot));
        return true;
      } catch (err) {
        if (isWrongSequence(err)) return false;
        throw err;
      }
    },
    async free(userId, slot) {
      const current = await read(endpoints, slotKey(userId, slot.n), EndpointSlotValue);
      if (current?.value.endpointId !== slot.endpointId) return;
      // Only that revision: a slot taken again meanwhile stays taken.
      await endpoints.delete(slotKey(userId, slot.n), { previousSeq: current.revision }).catch((err: unknown) => {
        if (!isWrongSequence(err)) throw err;
      });
    },
    endpointExists: async (userId, endpointId) => (await read(endpoints, epKey(userId, endpointId), WebhookEndpoint)) !== null,
  };

  return {
    async createEndpoint(endpoint, maxPerUser) {
      const parsed = WebhookEndpoint.parse(endpoint);
      if (!(await takeSlot(slots, parsed.userId, parsed.id, maxPerUser))) return false;
      await endpoints.create(epKey(parsed.userId, parsed.id), JSON.stringify(parsed));
      return true;
    },
    async getEndpoint(userId, id) {
      return (await read(endpoints, epKey(userId, id), WebhookEndpoint))?.value ?? null;
    },
    async listEndpoints(userId) {
      const all = await readAll(names.endpoints, `ep.${userId}.*`, WebhookEndpoint);
      return all.sort((a, b) => a.id.localeCompare(b.id));
    },
    updateEndpoint: (userId, id, mutate) =>
      update(endpoints, epKey(userId, id), WebhookEndpoint, (c) => {
        const next = mutate(c);
        return next && { ...next, id: c.id, userId: c.userId, createdAt: c.createdAt };
      }),
    async deleteEndpoint(userId, id) {
      if (!(await read(endpoints, epKey(userId, id), WebhookEndpoint))) return false;
      await endpoints.purge(epKey(userId, id));
      await freeSlot(slots, userId, id);
      for (const d of await readAll(names.deliveries, `dl.${id}.*`, WebhookDelivery)) {
        await deliveries.purge(dlKey(id, d.id));
        await deliveries.purge(dueKey(id, d.id));
      }
      return true;
    },
    async createDelivery(delivery) {
      const parsed = WebhookDelivery.parse(delivery);
      try {
        await deliveries.create(dlKey(parsed.endpointId, parsed.id), JSON.stringify(parsed));
      } catch (err) {
        if (isWrongSequence(err)) return false;
        throw err;
      }
      await syncDue(parsed);
      return true;
    },
    async getDelivery(endpointId, id) {
      return (await read(deliveries, dlKey(endpointId, id), WebhookDelivery))?.value ?? null;
    },
    updateDelivery: (endpointId, id, mutate) =>
      update(
        deliveries,
        dlKey(endpointId, id),
        WebhookDelivery,
        (c) => {
          const next = mutate(c);
          return next && { ...next, id: c.id, endpointId: c.endpointId, jobId: c.jobId, event: c.event, createdAt: c.createdAt };
        },
        syncDue,
      ),
    async listDeliveries(endpointId, limit) {
      const all = await readAll(names.deliveries, `dl.${endpointId}.*`, WebhookDelivery);
      return all.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)).slice(0, limit);
    },
    async dueDeliveries(now, limit) {
      const due: { endpointId: string; id: string; at: string }[] = [];
      const consider = (key: string, at: string) => {
        const [, endpointId, id] = key.split(".");
        if (endpointId && id && Date.parse(at) <= now.getTime()) due.push({ endpointId, id, at });
      };
      const subjectPrefix = `$KV.${names.deliveries}.`;
      const entries = await latestEntries(jsm, `KV_${names.deliveries}`, `${subjectPrefix}due.>`);
      for (const [subject, e] of entries) consider(subject.slice(subjectPrefix.length), dec.decode(e.data));
      due.sort((a, b) => a.at.localeCompare(b.at));
      const out: WebhookDelivery[] = [];
      for (const d of due.slice(0, limit)) {
        const delivery = (await read(deliveries, dlKey(d.endpointId, d.id), WebhookDelivery))?.value;
        if (delivery?.status === "pending") out.push(delivery);
      }
      return out;
    },
    async close() {},
  };
}
