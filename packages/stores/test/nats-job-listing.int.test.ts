/**
 * Job listings on NATS KV read the user's keys with one batched direct get (`multi_last`), so a
 * listing leaves no consumer on the bucket's stream; past the server's 1024-entry answer they
 * fall back to the key listing, and still page correctly.
 */
import { sampleJob } from "@mp4t/stores/conformance";
import { startNats } from "@mp4t/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { createNatsKvJobStore } from "../src/index.ts";

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

  it("still lists a user with more jobs than one direct-get answer holds", async () => {
    await using nats = await startNats();
    const nc = await nats.connect();
    try {
      const jobs = await createNatsKvJobStore(nc);
      const ids: string[] = [];
      for (let i = 0; i < 1030; i++) {
        const j = sampleJob("prolific");
        ids.push(j.id);
        await jobs.createJob(j);
      }
      const page = await jobs.listJobs("prolific", { limit: 5 });
      expect(page.items.map((j) => j.id)).toEqual(ids.sort().reverse().slice(0, 5));
    } finally {
      await nc.close();
    }
  }, 120_000);
});
