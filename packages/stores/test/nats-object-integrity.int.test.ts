/**
 * Blob reads on the NATS Object Store go chunk by chunk through direct gets and are checked against
 * the object's size, chunk count and SHA-256: a damaged object is a stream error, never short data.
 */
import { createHash } from "node:crypto";
import { startNats } from "@mp4t/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { Objm } from "@nats-io/obj";
import { describe, expect, it } from "vitest";
import { createNatsObjectBlobStore } from "../src/index.ts";

const STREAM = "OBJ_mp4t-blobs";
/** Size and SHA-256 of a read: a deep-equal of megabytes takes vitest tens of seconds. */
const digest = (b: Uint8Array | null) => b && { size: b.length, sha256: createHash("sha256").update(b).digest("hex") };

describe("NATS Object Store reads", () => {
  it("fail a read whose chunk was lost, and read an intact object of many chunks exactly", async () => {
    await using nats = await startNats();
    const nc = await nats.connect();
    try {
      const blobs = await createNatsObjectBlobStore(nc);
      // 5 MiB of varied bytes: 40 chunks of 128 KiB, more than one direct-get batch.
      const bytes = new Uint8Array(5 * 1024 * 1024).map((_, i) => (i * 7919) % 251);
      await blobs.put("jobs/a/audio", bytes);
      await blobs.put("jobs/b/audio", bytes);
      await blobs.put("jobs/c/empty", new Uint8Array(0));
      expect(digest(await blobs.getBytes("jobs/a/audio"))).toEqual(digest(bytes));
      expect(await blobs.getBytes("jobs/c/empty")).toEqual(new Uint8Array(0));

      // Drop a chunk from the middle of b, as a damaged store would.
      const info = await (await new Objm(nc).open("mp4t-blobs")).info("jobs/b/audio");
      const jsm = await jetstreamManager(nc);
      const last = await jsm.streams.getMessage(STREAM, { last_by_subj: `$O.mp4t-blobs.C.${info!.nuid}` });
      expect(await jsm.streams.deleteMessage(STREAM, last!.seq - 10)).toBe(true);

      await expect(blobs.getBytes("jobs/b/audio")).rejects.toThrow(/truncated: \d+ of 5242880 bytes in 39 of 40 chunks/);
      expect(digest(await blobs.getBytes("jobs/a/audio"))).toEqual(digest(bytes));
    } finally {
      await nc.close();
    }
  });
});
