import { createHash, randomBytes } from "node:crypto";
import type { ApiKeyRecord } from "@mp4t/contracts";
import { newId } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import type { ApiKeyStore } from "../ports.ts";

export const sampleApiKey = (userId: string, over: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id: newId(),
  userId,
  email: `${userId}@example.test`,
  name: "ci",
  prefix: "mp4t_abcdefg",
  hash: createHash("sha256").update(randomBytes(30)).digest("hex"),
  scopes: ["jobs:read"],
  createdAt: new Date().toISOString(),
  lastUsedAt: null,
  ...over,
});

/** Every ApiKeyStore adapter must pass this suite. `make` returns a fresh, empty store. */
export function apiKeyStoreConformance(name: string, make: () => Promise<{ store: ApiKeyStore; cleanup(): Promise<void> }>) {
  describe(`ApiKeyStore conformance: ${name}`, () => {
    const withStore = async (fn: (s: ApiKeyStore) => Promise<void>) => {
      const { store, cleanup } = await make();
      try {
        await fn(store);
      } finally {
        await cleanup();
      }
    };

    it("finds a key by its hash, and nothing for another hash", () =>
      withStore(async (s) => {
        const key = sampleApiKey("alice", { scopes: ["jobs:read", "jobs:write"] });
        await s.create(key);
        expect(await s.getByHash(key.hash)).toEqual(key);
        expect(await s.getByHash(sampleApiKey("alice").hash)).toBeNull();
        expect(await s.getByHash("not-a-hash")).toBeNull();
      }));

    it("lists only the user's own keys, oldest first", () =>
      withStore(async (s) => {
        const t = Date.now();
        const a1 = sampleApiKey("alice", { createdAt: new Date(t - 2000).toISOString() });
        const a2 = sampleApiKey("alice", { createdAt: new Date(t - 1000).toISOString() });
        await s.create(a2);
        await s.create(a1);
        await s.create(sampleApiKey("bob"));
        expect((await s.list("alice")).map((k) => k.id)).toEqual([a1.id, a2.id]);
        expect(await s.list("carol")).toEqual([]);
      }));

    it("deletes a key of its owner only; the hash then finds nothing", () =>
      withStore(async (s) => {
        const key = sampleApiKey("alice");
        await s.create(key);
        expect(await s.delete("bob", key.id)).toBe(false);
        expect(await s.getByHash(key.hash)).not.toBeNull();
        expect(await s.delete("alice", key.id)).toBe(true);
        expect(await s.getByHash(key.hash)).toBeNull();
        expect(await s.list("alice")).toEqual([]);
        expect(await s.delete("alice", key.id)).toBe(false);
      }));

    it("records the last use, never moving it back, and ignores a removed key", () =>
      withStore(async (s) => {
        const key = sampleApiKey("alice");
        await s.create(key);
        const later = new Date(Date.now() + 60_000).toISOString();
        await s.touch(key.hash, later);
        await s.touch(key.hash, new Date().toISOString());
        expect((await s.getByHash(key.hash))?.lastUsedAt).toBe(later);
        await s.delete("alice", key.id);
        await s.touch(key.hash, new Date(Date.now() + 120_000).toISOString());
        expect(await s.getByHash(key.hash)).toBeNull();
      }));
  });
}
