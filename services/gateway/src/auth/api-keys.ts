import { createHash, randomBytes } from "node:crypto";
import { API_KEY_PATTERN, API_KEY_PREFIX, type ApiKeyRecord } from "@mp4t/contracts";
import type { ApiKeyStore } from "@mp4t/stores";
import type { FastifyBaseLogger } from "fastify";
import { readThroughCache } from "./read-through-cache.ts";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const KEY_CHARS = 40;
const MAX_ENTRIES = 10_000;
/** How often one replica writes a key's `lastUsedAt` at most: a busy key costs one write a minute, not one a request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** `mp4t_` + 40 base62 characters, unbiased (bytes of 248 and up are drawn again). */
export function newApiKey(): string {
  let out = API_KEY_PREFIX;
  while (out.length < API_KEY_PREFIX.length + KEY_CHARS) {
    for (const b of randomBytes(KEY_CHARS)) {
      if (b < 248 && out.length < API_KEY_PREFIX.length + KEY_CHARS) out += BASE62[b % 62];
    }
  }
  return out;
}

/** SHA-256 (hex) of a key: keys carry 238 random bits, so a slow hash would protect nothing more. */
export const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

export const looksLikeApiKey = (token: string) => token.startsWith(API_KEY_PREFIX);

/**
 * API keys as authenticated requests see them: a key's record is read at most once per `cacheMs`
 * per replica (the bound within which a revoked key stops working everywhere), concurrent misses
 * share one read, and uses are recorded at most once per LAST_USED_RESOLUTION_MS per key.
 */
export function apiKeyCache(store: ApiKeyStore, opts: { cacheMs: number; logger: Pick<FastifyBaseLogger, "warn"> }) {
  const records = readThroughCache((hash) => store.getByHash(hash), opts.cacheMs);
  const touched = new Map<string, number>();
  const pending = new Set<Promise<void>>();

  return {
    /** The key's record, or null for a key that does not exist (any more). */
    get(key: string): Promise<ApiKeyRecord | null> {
      if (!API_KEY_PATTERN.test(key)) return Promise.resolve(null);
      return records.get(hashApiKey(key));
    },
    /** The record of the key with this hash (a stream token issued to a key names it), or null. */
    byHash(hash: string): Promise<ApiKeyRecord | null> {
      return /^[0-9a-f]{64}$/.test(hash) ? records.get(hash) : Promise.resolve(null);
    },
    /** Records a use of the key, coalesced; never delays or fails the request. */
    used(record: ApiKeyRecord, now = Date.now()): void {
      const last = Math.max(touched.get(record.hash) ?? 0, record.lastUsedAt ? Date.parse(record.lastUsedAt) : 0);
      if (now - last < LAST_USED_RESOLUTION_MS) return;
      if (touched.size >= MAX_ENTRIES) touched.delete(touched.keys().next().value!);
      touched.set(record.hash, now);
      const write = store
        .touch(record.hash, new Date(now).toISOString())
        .catch((err: unknown) => opts.logger.warn({ err, keyId: record.id }, "could not record an API key's last use"))
        .finally(() => pending.delete(write));
      pending.add(write);
    },
    /** Forget a key this replica just revoked, so the revocation applies here at once. */
    forget(hash: string) {
      records.forget(hash);
    },
    /** Waits for the last-use writes in flight (on close). */
    async drain() {
      await Promise.all(pending);
    },
  };
}
export type ApiKeyCache = ReturnType<typeof apiKeyCache>;
