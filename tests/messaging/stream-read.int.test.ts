import { startNats } from "@mp4t/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { directBatch } from "@mp4t/messaging/internal";

/**
 * Batched direct gets of a work queue whose messages are acked (removed) between a listing and the
 * read: the server answers "message not found", which nats.js raises while the batch is iterated.
 * The gateway's queue estimate failed that way 109 times in the 1000-user load bench.
 */
describe("directBatch", () => {
  it("reads what is still there, and a batch whose messages are gone is empty, not an error", async () => {
    await using nats = await startNats();
    const nc = await nats.connect();
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: "WQ", subjects: ["wq.>"], retention: "workqueue" as never, allow_direct: true });
      for (let i = 0; i < 3; i++) await nc.request("wq.a", new TextEncoder().encode(`m${i}`));
      const all = await directBatch(jsm, "WQ", "wq.a", { seq: 1 }, 10);
      expect(all.map((m) => new TextDecoder().decode(m.data))).toEqual(["m0", "m1", "m2"]);

      for (const m of all) await jsm.streams.deleteMessage("WQ", m.seq); // as acks remove them from a work queue
      // The raw client raises on such a batch: this is the case directBatch exists for.
      const raw = (async () => {
        for await (const _ of await jsm.direct.getBatch("WQ", { seq: 1, next_by_subj: "wq.a", batch: 10 }));
      })();
      await expect(raw).rejects.toThrow(/message not found/i);
      expect(await directBatch(jsm, "WQ", "wq.a", { seq: 1 }, 10)).toEqual([]);
      expect(await directBatch(jsm, "WQ", "wq.a", { seq: 100 }, 10)).toEqual([]);
    } finally {
      await nc.close();
    }
  });
});
