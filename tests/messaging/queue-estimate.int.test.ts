import { Streams, fairDurableName, userBucket, type Job, type JobClass, type Stage } from "@mp4t/contracts";
import { startNats } from "@mp4t/testing";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { newId } from "@mp4t/contracts";
import { createPublisher, createQueueEstimator, ensureFairConsumers, ensureTopology } from "@mp4t/messaging/internal";

const job = (userId: string, over: Partial<Job> = {}): Job => ({
  id: newId(),
  userId,
  status: "queued",
  progress: 0,
  fileName: "a.mp4",
  sizeBytes: 1,
  options: { language: "en", diarize: true, enhance: [], class: "interactive" },
  stages: {},
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
  ...over,
});
const userNotIn = (...taken: string[]) => {
  for (let i = 0; ; i++) if (!taken.map(userBucket).includes(userBucket(`other-${i}`))) return `other-${i}`;
};

describe("queue estimates", () => {
  it("places a job behind its own bucket, a round of the others and batch's share, then times it from the measured rate", async () => {
    await using nats = await startNats();
    const nc = await nats.connect();
    try {
      const jsm = await jetstreamManager(nc);
      await ensureTopology(jsm);
      const js = jetstream(nc);
      const pub = createPublisher(js, { service: "test" });
      for (const stage of ["ingest", "enhance"] as const) await ensureFairConsumers(jsm, stage, { ackWaitMs: 60_000 });
      const send = (stage: Stage, cls: JobClass, j: Job) => pub.command(stage as "ingest", cls, { v: 1, jobId: j.id, userId: j.userId }, `${stage}:${j.id}`);
      const [a, b] = ["alice", userNotIn("alice")];
      const c = userNotIn(a, b);
      const alices = Array.from({ length: 5 }, () => job(a));
      for (const j of alices) await send("ingest", "interactive", j);
      for (let i = 0; i < 3; i++) await send("ingest", "interactive", job(b));
      for (let i = 0; i < 2; i++) await send("ingest", "batch", job(c));
      const mine = job(a);
      await send("ingest", "interactive", mine);

      let clock = 1_000_000;
      let jsmCalls = 0;
      const est = createQueueEstimator(
        async () => {
          jsmCalls++;
          return jsm;
        },
        { now: () => clock },
      );
      // 5 ahead in its bucket; bob's 3 all go first in the round; batch gets every 5th of those 8.
      expect(await est.estimate(mine)).toEqual({ stage: "ingest", position: 10, estimatedStartAt: null, estimatedFinishAt: null });
      // Another job of the bucket polled within the same listing is placed from the same scan (no
      // request to the server): alice's third, 2 ahead of it; bob's 2 of 3 in the round and half
      // his longer queue; batch 1 of those 5.
      const requests = jsmCalls;
      expect(await est.estimate(alices[2]!)).toMatchObject({ stage: "ingest", position: 6 });
      expect(jsmCalls).toBe(requests);

      // Four of alice's go through in 10 s; one more is being worked on.
      const consumer = await js.consumers.get(Streams.lane("critical"), fairDurableName("ingest", "interactive", userBucket(a)));
      // ackAck: each ack confirmed by the server before the estimator reads the consumer (a plain ack
      // is processed by JetStream after the flush, and the count seen could be one short).
      for (let i = 0; i < 4; i++) await (await consumer.next({ expires: 2000 }))!.ackAck();
      const working = await consumer.next({ expires: 2000 });
      await nc.flush();
      clock += 10_000;
      // First in its bucket now (the 5th is in flight); bob's bucket may get its turn first: counted
      // as half a place, rounded up. 4 acknowledged in 10 s: 0.4 a second, so 2.5 s to start.
      const after = (await est.estimate(mine))!;
      expect(after.position).toBe(1);
      expect(after.estimatedStartAt).toBe(new Date(clock + 2500).toISOString());
      expect(after.estimatedFinishAt).toBeNull(); // not sized before ingest, later stages unmeasured
      working!.ack();

      // A job at its last stage. The enhance lane was first looked at 19 s before the last look,
      // with 2 messages done since and 1 in flight: 2/19 a second, so 9.5 s a message (Little's law).
      const late = job(b, { status: "processing", stages: { ingest: { status: "done" }, transcribe: { status: "done" }, diarize: { status: "done" } } });
      for (let i = 0; i < 3; i++) await send("enhance", "interactive", job(b));
      await send("enhance", "interactive", late);
      const enh = await js.consumers.get(Streams.lane("default"), fairDurableName("enhance", "interactive", userBucket(b)));
      clock += 5_000;
      const first = (await est.estimate(late))!;
      expect(first).toMatchObject({ stage: "enhance", position: 3, estimatedStartAt: null });
      for (let i = 0; i < 2; i++) await (await enh.next({ expires: 2000 }))!.ackAck();
      const held = await enh.next({ expires: 2000 });
      await nc.flush();
      clock += 4_000;
      const timed = (await est.estimate(late))!;
      expect(timed.position).toBe(0);
      expect(timed.estimatedStartAt).toBe(new Date(clock).toISOString());
      expect(Date.parse(timed.estimatedFinishAt!) - clock).toBe(9500);
      held!.ack();
    } finally {
      await nc.close();
    }
  });
});
