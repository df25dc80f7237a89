import { BlobKeys, type Command } from "@mp4t/contracts";
import { newId } from "@mp4t/contracts";
import { createNatsKvJobStore, createNatsObjectBlobStore } from "@mp4t/stores";
import { sampleJob } from "@mp4t/stores/conformance";
import { silentLogger, startNats } from "@mp4t/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { cleanupHandler } from "../src/handlers/cleanup.handler.ts";

describe("cleanup after a job completes", () => {
  it("deletes chunk audio, chunk results and the diarized transcript by key, keeps the rest, and lists nothing", async () => {
    await using nats = await startNats();
    const nc = await nats.connect();
    try {
      const [jobs, blobs] = [await createNatsKvJobStore(nc), await createNatsObjectBlobStore(nc)];
      const cleanup = cleanupHandler({ jobs, blobs, logger: silentLogger() });
      const bytes = new TextEncoder().encode("x");
      const stored = async (jobId: string, chunks: number) => {
        const keys = [BlobKeys.upload(jobId), BlobKeys.audio(jobId), BlobKeys.diarized(jobId), BlobKeys.transcript(jobId)];
        for (let i = 0; i < chunks; i++) keys.push(BlobKeys.chunkAudio(jobId, i), BlobKeys.chunkResult(jobId, i));
        for (const k of keys) await blobs.put(k, bytes);
      };
      const keysOf = async (jobId: string) => (await blobs.list(BlobKeys.prefix(jobId))).map((b) => b.key).sort();

      const planned = sampleJob("owner", { status: "completed", chunks: { count: 3, done: [0, 1, 2] } });
      await jobs.createJob(planned);
      await stored(planned.id, 3);
      const jsm = await jetstreamManager(nc);
      const consumersBefore = (await jsm.streams.info("OBJ_mp4t-blobs")).state.consumer_count;
      const cmd = (jobId: string): Command<"cleanup"> => ({ v: 1, jobId, userId: "owner", reason: "completed" });
      await cleanup(cmd(planned.id));
      expect((await jsm.streams.info("OBJ_mp4t-blobs")).state.consumer_count).toBe(consumersBefore); // no listing
      expect(await keysOf(planned.id)).toEqual([BlobKeys.audio(planned.id), BlobKeys.transcript(planned.id), BlobKeys.upload(planned.id)].sort());

      // A job whose record has no chunk plan (or is gone) falls back to the prefix delete.
      const unplanned = newId();
      await stored(unplanned, 2);
      await cleanup(cmd(unplanned));
      expect(await keysOf(unplanned)).toEqual([BlobKeys.audio(unplanned), BlobKeys.transcript(unplanned), BlobKeys.upload(unplanned)].sort());
      await cleanup(cmd(planned.id)); // a replay is harmless
    } finally {
      await nc.close();
    }
  });
});
