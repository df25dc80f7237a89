import { startNats, silentLogger, type NatsServer } from "@mp4t/testing";
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId, STAGE_LANES, Streams, Subjects } from "@mp4t/contracts";
import { createPublisher, createWorker, ensureTopology } from "@mp4t/messaging/internal";

let nats: NatsServer;
let nc: NatsConnection;
let spy: NatsConnection;

beforeAll(async () => {
  nats = await startNats();
  nc = await nats.connect();
  spy = await nats.connect();
  await ensureTopology(await jetstreamManager(nc));
});
afterAll(async () => {
  await spy?.close();
  await nc?.close();
  await nats?.[Symbol.asyncDispose]();
});

/** Counts JetStream API requests of each kind, as the server receives them (a core subscriber sees them too). */
function countApi() {
  const seen = new Map<string, number>();
  const sub = spy.subscribe("$JS.API.>", {
    callback: (_err, m) => {
      const kind = m.subject.split(".").slice(2, 4).join(".");
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
    },
  });
  return { seen, stop: () => sub.unsubscribe() };
}

/** One slot, a backlog read every 200 ms, and `quietResyncMs` while the lane is quiet; records each handled job. */
function pacedWorker(jsm: JetStreamManager, stage: "enhance" | "cleanup", service: string, quietResyncMs: number, done: string[]) {
  return createWorker({
    js: jetstream(nc),
    jsm,
    stage,
    service,
    logger: silentLogger(),
    concurrency: 1,
    ackWaitMs: 5000,
    maxDeliver: 3,
    deadlineMs: 10_000,
    resyncMs: 200,
    quietResyncMs,
    handler: async (msg) => void done.push(msg.jobId),
  });
}

describe("event-driven dispatch", () => {
  it("makes no backlog reads or pulls while idle, and starts new work at once when it is published", async () => {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const done: number[] = [];
    const w = createWorker({
      js,
      jsm,
      stage: "diarize",
      service: "diarizer",
      logger: silentLogger(),
      concurrency: 2,
      ackWaitMs: 5000,
      maxDeliver: 3,
      deadlineMs: 10_000,
      pollMs: 50,
      resyncMs: 60_000,
      handler: async () => void done.push(Date.now()),
    });
    await w.start();
    try {
      await spy.flush();
      const api = countApi();
      await spy.flush();
      await new Promise((r) => setTimeout(r, 1500)); // idle on purpose: the thing measured is what happens meanwhile
      await spy.flush();
      const idle = new Map(api.seen);
      // Before: a listing of the 16 consumers every 50 ms here (~30 in 1.5 s), and pulls after each.
      expect(idle.get("CONSUMER.LIST") ?? 0).toBe(0);
      expect(idle.get("CONSUMER.MSG") ?? 0).toBe(0);
      expect(idle.get("CONSUMER.INFO") ?? 0).toBe(0);

      const sent = Date.now();
      await createPublisher(js, { service: "test" }).command("diarize", "interactive", { v: 1, jobId: newId(), userId: "u1" }, newId());
      const end = Date.now() + 5000;
      while (!done.length && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      expect(done).toHaveLength(1);
      expect(done[0]! - sent).toBeLessThan(1000); // the resync is a minute away: a signal did it
      await spy.flush();
      expect(api.seen.get("CONSUMER.MSG")).toBeGreaterThanOrEqual(1); // the counter does see pulls
      api.stop();
    } finally {
      await w.stop(1000);
    }
  });

  it("a periodic read of an empty lane asks for its count only; a lane holding work is listed and the work found", async () => {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const done: string[] = [];
    const make = () => pacedWorker(jsm, "enhance", "enhancer", 200, done); // the quiet lane's slower pace is the next test's
    const idle = make();
    await idle.start();
    let api = countApi();
    try {
      await new Promise((r) => setTimeout(r, 1200)); // idle on purpose: five or six periodic reads
      await spy.flush();
      expect(api.seen.get("STREAM.INFO") ?? 0).toBeGreaterThanOrEqual(4);
      expect(api.seen.get("CONSUMER.LIST") ?? 0).toBe(0);
    } finally {
      api.stop();
      await idle.stop(1000);
    }
    // Published while no replica listened: no signal announces it, only a read finds it.
    const jobId = newId();
    await createPublisher(js, { service: "test" }).command("enhance", "batch", { v: 1, jobId, userId: "u1" }, newId());
    api = countApi();
    const w = make();
    await w.start();
    try {
      const end = Date.now() + 5000;
      while (!done.includes(jobId) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      expect(done).toContain(jobId);
      await spy.flush();
      expect(api.seen.get("CONSUMER.LIST")).toBeGreaterThanOrEqual(1);
    } finally {
      api.stop();
      await w.stop(1000);
    }
  });

  it("a lane whose stream holds a message is re-read at the resync pace; once a read finds it empty, at the quiet pace; a publish still starts work at once", async () => {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const low = Streams.lane(STAGE_LANES.cleanup);
    const done: string[] = [];
    // Another stage's message on the cleanup stage's lane (no webhook worker here takes it): the
    // stream is not empty, so something could wait unannounced (as a message a dead replica held).
    await js.publish(Subjects.work("webhook", "batch", "u1"), "held");
    const w = pacedWorker(jsm, "cleanup", "janitor", 60_000, done);
    let api = countApi();
    await spy.flush();
    await w.start();
    try {
      await new Promise((r) => setTimeout(r, 1200));
      await spy.flush();
      expect(api.seen.get("STREAM.INFO") ?? 0).toBeGreaterThanOrEqual(4); // the start's read and one every 200 ms
      api.stop();

      await jsm.streams.purge(low);
      await new Promise((r) => setTimeout(r, 600)); // a read at the 200 ms pace finds the stream empty
      api = countApi();
      await spy.flush();
      await new Promise((r) => setTimeout(r, 1500));
      await spy.flush();
      expect(api.seen.get("STREAM.INFO") ?? 0).toBe(0); // quiet: the next read is a minute away (seven at the resync pace)
      api.stop();

      const jobId = newId();
      const sent = Date.now();
      await createPublisher(js, { service: "test" }).command("cleanup", "batch", { v: 1, jobId, userId: "u1", reason: "completed" }, newId());
      const end = Date.now() + 5000;
      while (!done.includes(jobId) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      expect(done).toContain(jobId);
      expect(Date.now() - sent).toBeLessThan(1000); // a signal did it
    } finally {
      await w.stop(1000);
      await jsm.streams.purge(low);
    }
  });
});
