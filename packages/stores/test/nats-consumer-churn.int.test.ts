/**
 * nats.js's Object Store reads and KV key listings each make a consumer that it leaves to expire
 * after 5 minutes, and nats-server 2.15 caps a stream at 1000 consumers unless the stream raises
 * it. The 1000-user load test hit that cap ("maximum consumers limit reached") and failed 83% of
 * its jobs. Blob reads and job listings now use batched direct gets (no consumer at all), and the
 * limit stays raised for what else makes one. Here more than 1000 of each run back to back
 * against the real server.
 */
import { newId } from "@mp4t/runtime";
import { STREAM_MAX_CONSUMERS } from "@mp4t/messaging";
import { sampleJob } from "@mp4t/stores/conformance";
import { startNats } from "@mp4t/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { createNatsKvJobStore, createNatsObjectBlobStore } from "../src/index.ts";

const READS = 1100;

describe("NATS stores under consumer churn", () => {
  it(`serve ${READS} blob reads and ${READS} job listings within the consumers' 5-minute life`, async () => {
    await using nats = await startNats();
    const nc = await nats.connect();
    try {
      const [blobs, jobs] = [await createNatsObjectBlobStore(nc), await createNatsKvJobStore(nc)];
      const bytes = new TextEncoder().encode("read me again");
      await blobs.put("jobs/x/upload", bytes);
      const job = sampleJob(newId());
      await jobs.createJob(job);

      for (let i = 0; i < READS; i++) expect(await blobs.getBytes("jobs/x/upload")).toEqual(bytes);
      for (let i = 0; i < READS; i++) expect((await jobs.listJobs(job.userId, { limit: 10 })).items.map((j) => j.id)).toEqual([job.id]);

      const jsm = await jetstreamManager(nc);
      for (const name of ["OBJ_mp4t-blobs", "KV_mp4t-jobs", "KV_mp4t-users"]) {
        expect((await jsm.streams.info(name)).config.max_consumers, name).toBe(STREAM_MAX_CONSUMERS);
      }
      // Neither blob reads nor job listings left a consumer behind.
      expect((await jsm.streams.info("OBJ_mp4t-blobs")).state.consumer_count).toBe(0);
      expect((await jsm.streams.info("KV_mp4t-jobs")).state.consumer_count).toBe(0);
    } finally {
      await nc.close();
    }
  }, 120_000);
});
