/**
 * Job listings on NATS KV read the user's keys with one batched direct get (`multi_last`), so a
 * listing leaves no consumer on the bucket's stream; past the server's 1024-entry answer they read
 * the stream in sequence order, a batch a request (still no consumer), and still page correctly.
 */
import { sampleJob } from "@mp4t/stores/conformance";
import { startNats } from "@mp4t/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { Kvm } from "@nats-io/kv";
import { createNatsKvJobStore, latestEntries } from "../src/index.ts";

describe("NATS KV job listings", () => {
  it("list 300 times without creating a consumer, newest first, paged, without deleted jobs", async () => {
    await using nats = await startNats();
    const nc = await nats.connect();
    try {
      const jobs = await createNatsKvJobStore(nc);
      const jsm = await jetstreamManager(nc);
      const mine = Array.from({ length: 25 }, () => sampleJob("lister"));
      for (const j of mine) await jobs.createJob(j);
      await jobs.createJob(sampleJob("someone-else"));
      await jobs.deleteJob({ userId: "lister", jobId: mine[3]!.id });
      const expected = mine
        .filter((_, i) => i !== 3)
        .map((j) => j.id)
        .sort()
        .reverse();

      const before = (await jsm.streams.info("KV_mp4t-jobs")).state.consumer_count;
      for (let i = 0; i < 300; i++) expect((await jobs.listJobs("lister", { limit: 10 })).items).toHaveLength(10);
      expect((await jsm.streams.info("KV_mp4t-jobs")).state.consumer_count).toBe(before);
      expect(before).toBe(0);

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await jobs.listJobs("lister", { limit: 10, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((j) => j.id));
        cursor = page.next ?? undefined;
      } while (cursor);
      expect(seen).toEqual(expected);
      expect((await jobs.listJobs("nobody", { limit: 10 })).items).toEqual([]);
    } finally {
      await nc.close();
    }
  }, 60_000);

  it("lists and scans more jobs than one direct-get answer holds, without a consumer: every job once, at its newest, none deleted", async () => {
    await using nats = await startNats();
    const nc = await nats.connect();
    try {
      const jobs = await createNatsKvJobStore(nc);
      const jsm = await jetstreamManager(nc);
      const ids: string[] = [];
      for (let i = 0; i < 1030; i++) {
        const j = sampleJob("prolific");
        ids.push(j.id);
        await jobs.createJob(j);
      }
      const others = [sampleJob("other"), sampleJob("other")];
      for (const j of others) await jobs.createJob(j);
      const [gone, changed] = [ids[10]!, ids[20]!];
      await jobs.deleteJob({ userId: "prolific", jobId: gone });
      await jobs.updateJob({ userId: "prolific", jobId: changed }, (j) => ({ ...j, status: "processing" }));
      const mine = ids
        .filter((id) => id !== gone)
        .sort()
        .reverse();

      const page = await jobs.listJobs("prolific", { limit: 5 });
      expect(page.items.map((j) => j.id)).toEqual(mine.slice(0, 5));
      const listed: string[] = [];
      for (let cursor: string | null | undefined; cursor !== null; ) {
        const p = await jobs.listJobs("prolific", { limit: 200, ...(cursor ? { cursor } : {}) });
        listed.push(...p.items.map((j) => j.id));
        cursor = p.next;
      }
      expect(listed).toEqual(mine);

      const scanned = new Map<string, string>();
      for await (const j of jobs.scanJobs()) {
        expect(scanned.has(j.id)).toBe(false);
        scanned.set(j.id, j.status);
      }
      expect(scanned.size).toBe(1029 + others.length);
      expect(scanned.has(gone)).toBe(false);
      expect(scanned.get(changed)).toBe("processing");
      expect(scanned.get(ids[0]!)).toBe("queued");
      expect((await jsm.streams.info("KV_mp4t-jobs")).state.consumer_count).toBe(0);
    } finally {
      await nc.close();
    }
  }, 120_000);

  it("reads each key's newest entry past 1024 keys, with history kept, deletes and purges left out", async () => {
    await using nats = await startNats();
    const nc = await nats.connect();
    try {
      const kv = await new Kvm(nc).create("many", { history: 5 });
      const jsm = await jetstreamManager(nc);
      for (let i = 0; i < 1100; i++) await kv.put(`k.${i}`, `v${i}`);
      await kv.put("k.5", "newer");
      await kv.put("k.5", "newest");
      await kv.delete("k.6");
      await kv.purge("k.7");
      await kv.put("other.1", "not mine");
      const entries = await latestEntries(jsm, "KV_many", "$KV.many.k.>");
      expect(entries.size).toBe(1098);
      const text = (k: string) => new TextDecoder().decode(entries.get(`$KV.many.${k}`)?.data);
      expect([text("k.0"), text("k.5"), text("k.1099")]).toEqual(["v0", "newest", "v1099"]);
      expect(entries.has("$KV.many.k.6") || entries.has("$KV.many.k.7") || entries.has("$KV.many.other.1")).toBe(false);
      expect(entries.get("$KV.many.k.5")?.revision).toBe((await kv.get("k.5"))?.revision);
      expect((await jsm.streams.info("KV_many")).state.consumer_count).toBe(0);
    } finally {
      await nc.close();
    }
  }, 120_000);
});
