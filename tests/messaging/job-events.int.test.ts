/**
 * Job events on subjects that name their job and type (`mp4t.v1.events.<jobId>.<type>`), so a
 * reader that wants some types only has the server filter: the janitor's webhook durable gets a
 * job's end, not the dozen progress events around it. Events stored by earlier releases on the
 * untyped subject (`mp4t.v1.events.<jobId>`) are still read until they expire.
 */
import { Streams, newId, type JobEvent, type JobEventType } from "@mp4t/contracts";
import { startNats, type NatsServer } from "@mp4t/testing";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMessagingPorts } from "@mp4t/messaging";
import { createPublisher, ensureTopology } from "@mp4t/messaging/internal";

let nats: NatsServer;
let nc: NatsConnection;
beforeAll(async () => {
  nats = await startNats();
  nc = await nats.connect();
  await ensureTopology(await jetstreamManager(nc));
});
afterAll(async () => {
  await nc?.close();
  await nats?.[Symbol.asyncDispose]();
});

const STATUS: Partial<Record<JobEventType, JobEvent["status"]>> = { completed: "completed", failed: "failed", canceled: "canceled", queued: "queued" };
const event = (jobId: string, type: JobEventType, progress = 0.5): JobEvent => ({
  v: 1,
  type,
  jobId,
  userId: "u1",
  status: STATUS[type] ?? "processing",
  progress: type === "completed" ? 1 : progress,
  ...(type.startsWith("stage.") ? { stage: "transcribe" as const } : {}),
  at: new Date().toISOString(),
});
/** What a release before typed subjects stored: the same JSON on the job's bare subject. */
const legacy = (e: JobEvent) => jetstream(nc).publish(`mp4t.v1.events.${e.jobId}`, JSON.stringify(e));
const until = async (ok: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  return ok();
};

describe("job events on typed subjects", () => {
  it("are stored on a subject naming the job and the type", async () => {
    const publisher = createPublisher(jetstream(nc), { service: "test" });
    const jobId = newId();
    for (const type of ["queued", "stage.started", "progress", "completed"] as const) await publisher.event(event(jobId, type));
    const jsm = await jetstreamManager(nc);
    const { state } = await jsm.streams.info(Streams.events, { subjects_filter: `mp4t.v1.events.${jobId}.>` });
    expect(Object.keys(state.subjects ?? {}).sort()).toEqual(["completed", "progress", "queued", "stage.started"].map((t) => `mp4t.v1.events.${jobId}.${t}`));
  });

  it("replays a job's events in order, the untyped ones of an earlier release merged in", async () => {
    const { events } = createMessagingPorts(nc, { service: "test" });
    const publisher = createPublisher(jetstream(nc), { service: "test" });
    const jobId = newId();
    await legacy(event(jobId, "queued"));
    await legacy(event(jobId, "stage.started"));
    await publisher.event(event(jobId, "progress", 0.3)); // after the upgrade
    await publisher.event(event(newId(), "progress")); // another job's
    await publisher.event(event(jobId, "completed"));
    const all = await events.replay(jobId, 0);
    expect(all.map((s) => s.event.type)).toEqual(["queued", "stage.started", "progress", "completed"]);
    expect(all.map((s) => s.seq)).toEqual([...all.map((s) => s.seq)].sort((a, b) => a - b));
    // From a position: only what follows it, from both subjects.
    expect((await events.replay(jobId, all[0]!.seq)).map((s) => s.event.type)).toEqual(["stage.started", "progress", "completed"]);
    expect((await events.replay(jobId, all[1]!.seq, { max: 1 })).map((s) => s.event.type)).toEqual(["progress"]);
  });

  it("replay a user's events after a sequence, with the user's events among the last ones up to it as the seed", async () => {
    const { events } = createMessagingPorts(nc, { service: "test" });
    const mine = newId();
    const other = newId();
    const seqs: number[] = [];
    // Stored in turn: u1's job, another user's, u1's, ... (8 events); the resume point is the 6th.
    for (let i = 0; i < 8; i++) {
      const e = i % 2 === 0 ? event(mine, "progress", i / 10) : { ...event(other, "progress", i / 10), userId: "u2" };
      seqs.push((await jetstream(nc).publish(`mp4t.v1.events.${e.jobId}.${e.type}`, JSON.stringify(e))).seq);
    }
    const at = seqs[5]!;
    const r = await events.replayUser("u1", at, { seedScan: 4 });
    // The seed: u1's among the 4 stored up to the 6th (3rd to 6th): the 3rd and the 5th.
    expect(r.seed.map((s) => s.seq)).toEqual([seqs[2], seqs[4]]);
    expect(r.events.map((s) => s.seq)).toEqual([seqs[6]]);
    expect(r).toMatchObject({ complete: true, scannedTo: seqs[7] });
    expect((await events.replayUser("u1", at)).seed).toEqual([]);
    expect((await events.replayUser("u1", at, { seedScan: at + 100 })).seed.map((s) => s.seq)).toEqual(expect.arrayContaining([seqs[0], seqs[2], seqs[4]]));
    // A window reaching back past the stream's first event (the ones before the 4th expired) reads from its first.
    const jsm = await jetstreamManager(nc);
    await jsm.streams.purge(Streams.events, { seq: seqs[3]! });
    expect((await events.replayUser("u1", at, { seedScan: 5 })).seed.map((s) => s.seq)).toEqual([seqs[4]]);
  });

  it("hand a durable with types those types only; an earlier release's durable is narrowed in place and loses none of the events it had not taken", async () => {
    const jsm = await jetstreamManager(nc);
    const durable = `test-ends-${newId()}`;
    // As an earlier release created it: every event, from its creation on.
    await jsm.consumers.add(Streams.events, {
      durable_name: durable,
      filter_subject: "mp4t.v1.events.>",
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
    });
    const publisher = createPublisher(jetstream(nc), { service: "test" });
    const [a, b, c] = [newId(), newId(), newId()];
    // While no one consumes it (the janitor stopped for the upgrade): one end from before, one after.
    await legacy(event(a, "progress"));
    await legacy(event(a, "completed"));
    await publisher.event(event(b, "stage.done"));
    await publisher.event(event(b, "failed"));
    const seen: string[] = [];
    const { events } = createMessagingPorts(nc, { service: "test" });
    const running = await events.consumeDurable(durable, async (e) => void seen.push(`${e.jobId === a ? "a" : e.jobId === b ? "b" : "c"}:${e.type}`), {
      types: ["completed", "failed", "canceled"],
    });
    try {
      expect(await until(() => seen.length >= 3)).toBe(true);
      await publisher.event(event(c, "progress"));
      await publisher.event(event(c, "transcript.updated"));
      await publisher.event(event(c, "canceled"));
      expect(await until(() => seen.length >= 4)).toBe(true);
      const info = await jsm.consumers.info(Streams.events, durable);
      expect(info.config.filter_subjects).toEqual(["mp4t.v1.events.*.completed", "mp4t.v1.events.*.failed", "mp4t.v1.events.*.canceled", "mp4t.v1.events.*"]);
      // Everything matching was delivered and acked; nothing else was ever handed over. The
      // untyped subject of the earlier release carries all its types (its progress too: the
      // janitor ignores that one as it always did); of the typed ones, the ends only.
      expect(await until(() => false, 300)).toBe(false);
      expect(seen).toEqual(["a:progress", "a:completed", "b:failed", "c:canceled"]);
      // The handler runs before the ack: wait for the last one to land.
      let left = -1;
      for (const end = Date.now() + 5000; left !== 0 && Date.now() < end; await new Promise((r) => setTimeout(r, 25))) {
        const now = await jsm.consumers.info(Streams.events, durable);
        left = now.num_pending + now.num_ack_pending;
      }
      expect(left).toBe(0);
    } finally {
      await running.stop();
    }
  });

  it("are followed live by type: an ordered consumer with types sees those (and the untyped subject), not the progress", async () => {
    const { events } = createMessagingPorts(nc, { service: "test" });
    const publisher = createPublisher(jetstream(nc), { service: "test" });
    const feed = await events.follow({ types: ["completed", "transcript.updated", "deleted"] });
    const everything = await events.follow();
    const jobId = newId();
    const seen: string[] = [];
    const all: string[] = [];
    const pumps = [
      (async () => {
        for await (const { event } of feed) seen.push(event.type);
      })(),
      (async () => {
        for await (const { event } of everything) if (event.jobId === jobId) all.push(event.type);
      })(),
    ];
    try {
      for (const type of ["queued", "stage.started", "progress", "stage.done", "completed", "transcript.updated"] as const)
        await publisher.event(event(jobId, type));
      await legacy(event(jobId, "progress"));
      await publisher.event(event(jobId, "deleted"));
      expect(await until(() => all.length >= 8 && seen.length >= 4)).toBe(true);
      expect(all).toEqual(["queued", "stage.started", "progress", "stage.done", "completed", "transcript.updated", "progress", "deleted"]);
      expect(seen).toEqual(["completed", "transcript.updated", "progress", "deleted"]);
    } finally {
      feed.close();
      everything.close();
      await Promise.all(pumps);
    }
  });
});
