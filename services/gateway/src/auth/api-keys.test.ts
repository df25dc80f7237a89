import { API_KEY_PATTERN, type ApiKeyRecord } from "@mp4t/contracts";
import type { ApiKeyStore } from "@mp4t/stores";
import { describe, expect, it } from "vitest";
import { apiKeyCache, hashApiKey, LAST_USED_RESOLUTION_MS, newApiKey } from "./api-keys.ts";

/** A store that answers only what these tests expect; anything else fails. */
function strictStore(record: ApiKeyRecord) {
  const calls: string[] = [];
  const fail = () => {
    throw new Error("unexpected store call");
  };
  const store: ApiKeyStore = {
    getByHash: async (hash) => (calls.push(`get ${hash === record.hash}`), hash === record.hash ? record : null),
    touch: async (_hash, at) => void calls.push(`touch ${at}`),
    create: fail,
    list: fail,
    delete: fail,
    close: fail,
  };
  return { store, calls };
}

describe("API keys", () => {
  it("are mp4t_ + 40 base62 characters, all different", () => {
    const keys = Array.from({ length: 2000 }, newApiKey);
    for (const k of keys) expect(k).toMatch(API_KEY_PATTERN);
    expect(new Set(keys).size).toBe(keys.length);
    // Every base62 character turns up: the draw is not confined to part of the alphabet.
    expect(new Set(keys.join("").slice(5).replaceAll("mp4t_", "")).size).toBe(62);
  });

  it("reads a key once per cache period, never for a malformed key, and records its use once a minute", async () => {
    const key = newApiKey();
    const record: ApiKeyRecord = {
      id: "01jd3f5h7k9m1p3r5t7v9x1z3b",
      userId: "u1",
      email: "u1@example.test",
      name: "k",
      prefix: key.slice(0, 12),
      hash: hashApiKey(key),
      scopes: ["jobs:read"],
      createdAt: new Date().toISOString(),
      lastUsedAt: null,
    };
    const { store, calls } = strictStore(record);
    const cache = apiKeyCache(store, { cacheMs: 60_000, logger: { warn: () => undefined } });
    expect(await cache.get(key)).toEqual(record);
    expect(await cache.get(key)).toEqual(record);
    expect(await cache.get("mp4t_short")).toBeNull();
    const t = Date.now();
    cache.used(record, t);
    cache.used(record, t + 1000);
    cache.used(record, t + LAST_USED_RESOLUTION_MS + 1);
    await cache.drain();
    expect(calls).toEqual(["get true", `touch ${new Date(t).toISOString()}`, `touch ${new Date(t + LAST_USED_RESOLUTION_MS + 1).toISOString()}`]);
    cache.forget(record.hash);
    await cache.get(key);
    expect(calls.filter((c) => c.startsWith("get"))).toHaveLength(2);
  });
});
