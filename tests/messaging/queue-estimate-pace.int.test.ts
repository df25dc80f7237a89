import { Streams, fairDurableName, newId, userBucket, type Job } from "@mp4t/contracts";
import { startNats } from "@mp4t/testing";
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { createPublisher, createQueueEstimator, ensureFairConsumers, ensureTopology } from "@mp4t/messaging/internal";

const iso = (ms: number) => new Date(ms).toISOString();

/** A job at the transcribe stage with chunks of these lengths (s of audio), none done yet, queued whole. */
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
    chunks: { count: plan.length, done: [], plan: plan.map((d) => [t, (t += d)] as [number, number]) },
    createdAt: iso(startedAt),
    updatedAt: iso(startedAt),
  };
};

/**
 * A completed one-chunk job: 50 s of audio transcribed in 10 s on one slot (0.2 s per second),
 * completed 2 s after its transcription: 0.04 s per second of audio after transcription.
 */
const learnt = (clock: number): Job => ({
  ...transcribing("alice", [50], clock - 20_000),
  status: "completed",
  stages: { transcribe: { status: "done", startedAt: iso(clock - 20_000), finishedAt: iso(clock - 10_000) } },
  completedAt: iso(clock - 8_000),
});

/** A user in another fairness bucket than alice. */
const otherThanAlice = () => {
  let bob = "bob";
  for (let i = 0; userBucket(bob) === userBucket("alice"); i++) bob = `bob-${i}`;
  return bob;
};

/** Queues every chunk of the job's plan, as ingest does for a job it does not chain. */
async function queueChunks(pub: ReturnType<typeof createPublisher>, job: Job) {
  const plan = job.chunks!.plan!;
  for (const [index, [startSec, endSec]] of plan.entries()) {
    const chunk = { index, count: plan.length, startSec, endSec };
    await pub.command("transcribe", "interactive", { v: 1, jobId: job.id, userId: job.userId, chunk }, `transcribe:${job.id}:${index}`);
  }
}

/** The interactive transcribe consumer of the user's bucket. */
const bucketConsumer = (js: ReturnType<typeof jetstream>, userId: string) =>
  js.consumers.get(Streams.lane("high"), fairDurableName("transcribe", "interactive", userBucket(userId)));

/** When the server delivered the bucket consumer's last message (`delivered.last_active`), epoch ms. */
async function lastDelivery(jsm: JetStreamManager, userId: string): Promise<number> {
  const ci = await jsm.consumers.info(Streams.lane("high"), fairDurableName("transcribe", "interactive", userBucket(userId)));
  const raw = (ci.delivered as unknown as { last_active?: string }).last_active; // RFC 3339 on the wire, typed as a number
  return Date.parse(raw!.replace(/(\.\d{3})\d+/, "$1"));
}

/** Waits until real time reaches the test's clock, so what the server stamps next is on it (its delivery times). */
const catchUp = async (clock: number) => {
  while (Date.now() < clock) await new Promise((r) => setTimeout(r, Math.min(50, clock - Date.now())));
};

/** A real nats-server with the lanes and the transcribe stage's fair consumers. */
async function transcribeStage(run: (nc: NatsConnection, jsm: JetStreamManager) => Promise<void>) {
  await using nats = await startNats();
  const nc = await nats.connect();
  try {
    const jsm = await jetstreamManager(nc);
    await ensureTopology(jsm);
    await ensureFairConsumers(jsm, "transcribe", { ackWaitMs: 60_000 });
    await run(nc, jsm);
  } finally {
    await nc.close();
  }
}

describe("queue estimates of the transcribe stage", () => {
  it("play the chunks in the stream forward at the learnt pace, another user's bucket taking turns, then add the learnt tail", async () => {
    await transcribeStage(async (nc, jsm) => {
      const js = jetstream(nc);
      const pub = createPublisher(js, { service: "test" });
      let clock = Date.now();
      const est = createQueueEstimator(async () => jsm, { now: () => clock });

      // Nothing learnt yet: no finish estimate for a job being transcribed.
      const mine = transcribing("alice", [60, 60], clock);
      expect((await est.estimate(mine))?.estimatedFinishAt).toBeNull();

      const ended = learnt(clock);
      expect(await est.estimate(ended)).toBeUndefined();
      clock += 1100; // past the listing's reuse
      // Its two 60 s chunks on the one slot seen: 24 s, plus 4.8 s for its 120 s; the stage started when the job says.
      const alone = (await est.estimate(mine))!;
      expect(alone).toMatchObject({ stage: "transcribe", position: 0, estimatedStartAt: mine.stages.transcribe!.startedAt });
      expect(Date.parse(alone.estimatedFinishAt!) - clock).toBe(28_800);

      // Another user (another bucket) has three 30 s chunks queued: buckets take turns on the slot,
      // so alice's two end after one of theirs (12 + 6 + 12 s) when hers is served first, after two
      // (6 + 12 + 6 + 12 s) when theirs is: 33 s on average, plus the tail.
      const bob = otherThanAlice();
      const theirs = transcribing(bob, [30, 30, 30], clock);
      await queueChunks(pub, theirs);
      clock += 1100;
      const shared = (await est.estimate(mine))!;
      expect(Date.parse(shared.estimatedFinishAt!) - clock).toBe(37_800);

      // Bob's job itself: its first chunk is taken now (on the test's clock: the server stamps the delivery).
      const consumer = await bucketConsumer(js, bob);
      await catchUp(clock);
      const taken = await consumer.next({ expires: 2000 });
      await nc.flush();
      const delivered = await lastDelivery(jsm, bob);
      clock += 1100;
      const bobs = (await est.estimate({ ...theirs, stages: { ...theirs.stages, transcribe: { status: "running", startedAt: iso(clock) } } }))!;
      // The newest chunk its consumer delivered: started at that delivery (not half-way between the
      // looks, 0.55 s ago), 6 s long; then its other two (6 s each) on the one slot, and the tail.
      expect(delivered).toBeGreaterThanOrEqual(clock - 1100);
      expect(Date.parse(bobs.estimatedFinishAt!) - clock).toBe(delivered + 6_000 - clock + 12_000 + 3_600); // tail: 90 s x 0.04

      // It ends before the next look: it ran from its delivery to half-way between the two looks,
      // 1.65 s for 30 s of audio; but with 1.1 s between the looks its end is known only to +-0.55 s,
      // over half its time, so it is not taken as a measurement: the two left stay at the pace (6 s each).
      taken!.ack();
      await nc.flush();
      clock += 1100;
      const next = (await est.estimate({ ...theirs, chunks: { ...theirs.chunks!, done: [0] } }))!;
      expect(Date.parse(next.estimatedFinishAt!) - clock).toBe(12_000 + 3_600);

      // Its second chunk is taken and seen running over four looks, then ends: from its delivery to
      // half-way between the last two looks (about 4.95 s), its end known to +-0.55 s; chunks of that
      // length are now timed so (one left, plus the tail).
      await catchUp(clock);
      const taken2 = await consumer.next({ expires: 2000 });
      await nc.flush();
      const delivered2 = await lastDelivery(jsm, bob);
      for (let look = 0; look < 4; look++) {
        clock += 1100;
        await est.estimate({ ...theirs, chunks: { ...theirs.chunks!, done: [0] } });
      }
      taken2!.ack();
      await nc.flush();
      clock += 1100;
      const last = (await est.estimate({ ...theirs, chunks: { ...theirs.chunks!, done: [0, 1] } }))!;
      const ran = clock - 550 - delivered2;
      expect(ran).toBeGreaterThan(2_200); // over twice the looks' gap, so it counts (about 4.95 s unless the machine stalled)
      expect(Date.parse(last.estimatedFinishAt!) - clock).toBeCloseTo(ran + 3_600, 6);
    });
  });

  it("time chunks at the pace from the slots' busy time, not as the listings saw chunks run", async () => {
    await transcribeStage(async (nc, jsm) => {
      const js = jetstream(nc);
      const pub = createPublisher(js, { service: "test" });
      let clock = Date.now();
      const est = createQueueEstimator(async () => jsm, { now: () => clock });
      // The same pace as `learnt` (0.2 s a second of audio), from the transcriber's busy time on its one chunk.
      const ended = learnt(clock);
      await est.estimate({ ...ended, chunks: { ...ended.chunks!, done: [0], busySec: 10, busyChunks: 1 } });
      const bob = otherThanAlice();
      const theirs = transcribing(bob, [30, 30, 30], clock);
      await queueChunks(pub, theirs);
      clock += 1100;
      await est.estimate(theirs);
      // Its first chunk is seen running over four looks, then ends: 4.4 s by the listings, as in
      // the test above; here the chunks left stay at the pace (6 s each, 12 s on the one slot).
      const consumer = await bucketConsumer(js, bob);
      const taken = await consumer.next({ expires: 2000 });
      await nc.flush();
      for (let look = 0; look < 4; look++) {
        clock += 1100;
        await est.estimate(theirs);
      }
      taken!.ack();
      await nc.flush();
      clock += 1100;
      const next = (await est.estimate({ ...theirs, chunks: { ...theirs.chunks!, done: [0] } }))!;
      expect(Date.parse(next.estimatedFinishAt!) - clock).toBe(12_000 + 3_600);
    });
  });

  it("play other users' jobs still to come at the rate the listings saw them arrive", async () => {
    await transcribeStage(async (nc, jsm) => {
      const js = jetstream(nc);
      const pub = createPublisher(js, { service: "test" });
      let clock = Date.now();
      const est = createQueueEstimator(async () => jsm, { now: () => clock });
      await est.estimate(learnt(clock)); // the pace: 0.2 s a second of audio; one slot seen
      const mine = transcribing("alice", [60, 60], clock);
      const bob = otherThanAlice();
      const consumer = await bucketConsumer(js, bob);
      // A first listing (nothing queued): what one shows was there before, not arrivals.
      await est.estimate(mine);
      // Bob sends a one-chunk job (10 s of audio) every 6 s; each is seen queued, then taken and done.
      for (let n = 0; n < 2; n++) {
        const chunk = { index: 0, count: 1, startSec: 0, endSec: 10 };
        const jobId = newId();
        await pub.command("transcribe", "interactive", { v: 1, jobId, userId: bob, chunk }, `transcribe:${jobId}:0`);
        clock += 1100;
        const seen = (await est.estimate(mine))!;
        // Under 10 s watched: no rate yet; his waiting chunk (2 s) runs before her second either way.
        if (n === 0) expect(Date.parse(seen.estimatedFinishAt!) - clock).toBe(26_000 + 4_800);
        const taken = await consumer.next({ expires: 2000 });
        taken!.ack();
        await nc.flush();
        clock += 2450;
        await est.estimate(mine); // listings keep coming (a gap of over 5 s starts the watch over)
        clock += 2450;
      }
      clock += 1100;
      // Watched 13.1 s, two jobs: one every 6.55 s, the next due 0.55 s from now. His bucket
      // delivered last (the consumer's last_active: the round-robin cursor), so hers is served
      // next: her first chunk (12 s on the one slot), one of his (2 s; due at 0.55, 7.1 and 13.65
      // s), her second: 26 s, plus 4.8 s of tail (without his jobs to come: 24 s).
      const shared = (await est.estimate(mine))!;
      expect(Date.parse(shared.estimatedFinishAt!) - clock).toBe(26_000 + 4_800);
    });
  });

  it("take the transcriber's slots from what the live replicas report, not only from those seen busy", async () => {
    await transcribeStage(async (_nc, jsm) => {
      let clock = Date.now();
      let asked = 0;
      const est = createQueueEstimator(async () => jsm, {
        now: () => clock,
        transcribeSlots: async () => {
          asked++;
          return 2;
        },
      });
      const mine = transcribing("alice", [60, 60], clock);
      expect((await est.estimate(mine))?.estimatedFinishAt).toBeNull(); // nothing learnt; the slots are read meanwhile
      await new Promise((r) => setImmediate(r));
      const ended = learnt(clock);
      await est.estimate(ended);
      clock += 1100;
      // The same job as above, but on the two reported slots its 60 s chunks run side by side: 12 s, plus 4.8 s of tail
      // (one slot seen busy would give 24 + 4.8 s).
      const two = (await est.estimate(mine))!;
      expect(Date.parse(two.estimatedFinishAt!) - clock).toBe(16_800);
      expect(asked).toBe(1); // read again only after 10 s
    });
  });

  it("list the stage again for a job that came to it after the last listing, so what queued meanwhile is ahead of it", async () => {
    await transcribeStage(async (nc, jsm) => {
      const pub = createPublisher(jetstream(nc), { service: "test" });
      let clock = Date.now();
      const est = createQueueEstimator(async () => jsm, { now: () => clock });
      await est.estimate(learnt(clock)); // the pace: 0.2 s a second of audio
      clock += 1100;
      await est.estimate(transcribing("bob", [10], clock)); // a listing: nothing queued
      // Alice's short job queues its two 30 s chunks, then her long job finishes its ingest (its
      // first chunk about to be queued, behind them). The listing is 150 ms old: reused for any
      // other job, not for this one.
      const short = newId();
      for (let i = 0; i < 2; i++) {
        const chunk = { index: i, count: 2, startSec: 30 * i, endSec: 30 * (i + 1) };
        await pub.command("transcribe", "interactive", { v: 1, jobId: short, userId: "alice", chunk }, `transcribe:${short}:${i}`);
      }
      clock += 150;
      const base = transcribing("alice", [60, 60, 60, 60, 60], clock - 150);
      const long: Job = { ...base, stages: { ingest: { status: "done", finishedAt: iso(clock - 50) } }, chunks: { ...base.chunks!, window: 1 } };
      const q = (await est.estimate(long))!;
      // Both short chunks first on the one slot seen (6 s each), then its first.
      expect(q).toMatchObject({ stage: "transcribe", position: 2 });
      expect(Date.parse(q.estimatedStartAt!) - clock).toBe(12_000);
      // A job that came to the stage before that listing reuses it for up to a second (nothing newer
      // is asked for); one that came after it, once it is over 100 ms old, gets a new one.
      const listings = jsm.consumers.list.bind(jsm.consumers);
      let listed = 0;
      jsm.consumers.list = (stream) => (listed++, listings(stream));
      clock += 200;
      await est.estimate({ ...long, stages: { ingest: { status: "done", finishedAt: iso(clock - 400) } } });
      expect(listed).toBe(0);
      await est.estimate({ ...long, stages: { ingest: { status: "done", finishedAt: iso(clock - 20) } } });
      expect(listed).toBe(1);
      // Polls of new jobs at once share one listing.
      clock += 200;
      await Promise.all(Array.from({ length: 5 }, () => est.estimate({ ...long, stages: { ingest: { status: "done", finishedAt: iso(clock - 10) } } })));
      expect(listed).toBe(2);
    });
  });
});
