import { ApiKeyRecord } from "@mp4t/contracts";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { ApiKeyStore } from "../ports.ts";
import { createBucket, ensureBucketStream } from "./bucket-stream.ts";
import { latestEntries } from "./kv-latest.ts";

const MAX_CAS_ATTEMPTS = 20;
const decode = (data: Uint8Array) => ApiKeyRecord.parse(JSON.parse(new TextDecoder().decode(data)));
const keyOf = (k: Pick<ApiKeyRecord, "userId" | "hash">) => `apikey.${k.userId}.${k.hash}`;

/**
 * API keys on NATS KV, in the users bucket (only the gateway's NATS user may open it), as
 * `apikey.<userId>.<sha256>`: a user's keys are one batched direct get on `apikey.<userId>.*`,
 * and a key is found by its hash with one on `apikey.*.<hash>` (no consumer either way).
 */
export async function createNatsKvApiKeyStore(nc: NatsConnection, opts: { prefix?: string; replicas?: number } = {}): Promise<ApiKeyStore> {
  const bucket = `${opts.prefix ?? "mp4t"}-users`;
  const kv = await createBucket(() => new Kvm(nc).create(bucket, { history: 1, replicas: opts.replicas ?? 1 }));
  await ensureBucketStream(nc, `KV_${bucket}`, opts.replicas);
  const jsm = await jetstreamManager(nc);
  const read = async (filter: string) => {
    const entries = await latestEntries(jsm, `KV_${bucket}`, `$KV.${bucket}.${filter}`);
    return [...entries.values()].map((e) => decode(e.data));
  };
  const byHash = async (hash: string) => (/^[0-9a-f]{64}$/.test(hash) ? ((await read(`apikey.*.${hash}`))[0] ?? null) : null);

  return {
    async create(key) {
      const parsed = ApiKeyRecord.parse(key);
      await kv.create(keyOf(parsed), JSON.stringify(parsed));
    },
    getByHash: byHash,
    async list(userId) {
      return (await read(`apikey.${userId}.*`)).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    async delete(userId, id) {
      const key = (await read(`apikey.${userId}.*`)).find((k) => k.id === id);
      if (!key) return false;
      await kv.purge(keyOf(key));
      return true;
    },
    async touch(hash, at) {
      const found = await byHash(hash);
      if (!found) return;
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const e = await kv.get(keyOf(found));
        if (e?.operation !== "PUT") return;
        const current = ApiKeyRecord.parse(e.json());
        if (current.lastUsedAt && current.lastUsedAt >= at) return;
        try {
          await kv.update(keyOf(found), JSON.stringify({ ...current, lastUsedAt: at }), e.revision);
          return;
        } catch (err) {
          if (!String((err as Error).message).includes("wrong last sequence")) throw err;
        }
      }
    },
    async close() {},
  };
}
