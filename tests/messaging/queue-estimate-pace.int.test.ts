import { Subjects, newId, userBucket, type Job } from "@mp4t/contracts";
import { startNats } from "@mp4t/testing";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { createQueueEstimator, ensureFairConsumers, ensureTopology } from "@mp4t/messaging/internal";

const iso = (ms: number) => new Date(ms).toISOString();

/** A job at the transcribe stage with chunks of these lengths (s of audio), none done yet. */
const transcribing = (userId: string, plan: number[], startedAt: number): Job => {
  let t = 0;
  return {
    id: newId(),
    userId,
    status: "processing",
    progress: 0.2,
    fileName: "a.mp4",
    sizeBytes: 1,
    options: { language: "en", diarize: false, enhance: [], class: "interactive" },
    stages: { ingest: { status: "done" }, transcribe: { status: "running", startedAt: iso(startedAt) } },
    media: { durationSec: plan.reduce((a, d) => a + d, 0), container: "mp4", audioCodec: "aac", hasVideo: true },
    chunks: { count: plan.length, done: [], window: 4, plan: plan.map((d) => [t, (t += d)] as [number, number]) },
    createdAt: iso(startedAt),
    updatedAt: iso(startedAt),
  };
};

describe("queue estimates of the transcribe stage", () => {
  it("time a job's chunks from the pace learnt from an ended job, and count another user's queued chunks beside them", async () => {
    await using nats = await startNats();
    const nc = await nats.connect();
    try {
      const jsm = await jetstreamManager(nc);
      await ensureTopology(jsm);
      await ensureFairConsumers(jsm, "transcribe", { ackWaitMs: 60_000 });
      let clock = 1_000_000;
      const est = createQueueEstimator(async () => jsm, { now: () => clock });

      // Nothing learnt yet: no finish estimate for a job being transcribed.
      const mine = transcribing("alice", [60, 60], clock);
      expect((await est.estimate(mine))?.estimatedFinishAt).toBeNull();

      // An ended one-chunk job: 50 s of audio transcribed in 10 s, one slot: 0.2 s per second.
      const ended: Job = {
        ...transcribing("alice", [50], clock - 20_000),
        status: "completed",
        stages: { transcribe: { status: "done", startedAt: iso(clock - 20_000), finishedAt: iso(clock - 10_000) } },
      };
      expect(await est.estimate(ended)).toBeUndefined();
      clock += 1100; // past the listing's reuse
      // Its two 60 s chunks on the one slot seen: 24 s; the stage started when the job says.
      const alone = (await est.estimate(mine))!;
      expect(alone).toMatchObject({ stage: "transcribe", position: 0, estimatedStartAt: mine.stages.transcribe!.startedAt });
      expect(Date.parse(alone.estimatedFinishAt!) - clock).toBe(24_000);

      // Another user (another bucket) has three 30 s chunks queued: buckets take turns, so one of
      // theirs runs beside each of alice's two: (120 + 60) s of audio x 0.2 = 36 s.
      let bob = "bob";
      for (let i = 0; userBucket(bob) === userBucket("alice"); i++) bob = `bob-${i}`;
      const theirs = transcribing(bob, [30, 30, 30], clock);
      const js = jetstream(nc);
      for (let i = 0; i < 3; i++)
        await js.publish(Subjects.work("transcribe", "interactive", bob), JSON.stringify({ v: 1, jobId: theirs.id, userId: bob, chunk: i }));
      clock += 1100;
      await est.estimate(theirs); // asked about: the estimator now knows the length of that queue's chunks
      const shared = (await est.estimate(mine))!;
      expect(Date.parse(shared.estimatedFinishAt!) - clock).toBe(36_000);
    } finally {
      await nc.close();
    }
  });
});
