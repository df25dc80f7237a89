import { startNats, type NatsServer } from "@mp4t/testing";
import { AckPolicy, RetentionPolicy, jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAckSubject, pullNow } from "@mp4t/messaging/internal";

let nats: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
let n = 0;

beforeAll(async () => {
  nats = await startNats();
  nc = await nats.connect();
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await nc?.close();
  await nats?.[Symbol.asyncDispose]();
});

/** A work-queue stream of its own with one durable, as the lanes use. */
async function queue(ackWaitMs = 30_000) {
  const name = `PULL_${++n}`;
  await jsm.streams.add({ name, subjects: [`pull${n}.>`], retention: RetentionPolicy.Workqueue });
  await jsm.consumers.add(name, { durable_name: "d", ack_policy: AckPolicy.Explicit, ack_wait: ackWaitMs * 1e6 });
  return { stream: name, subject: `pull${n}.work`, pending: async () => (await jsm.consumers.info(name, "d")).num_pending };
}

describe("pullNow against a real nats-server", () => {
  it("answers null within its short wait when nothing is queued", async () => {
    const q = await queue();
    const t0 = Date.now();
    expect(await pullNow(nc, q.stream, "d", 150)).toBeNull();
    expect(Date.now() - t0).toBeLessThan(900); // nats.js next() could not return before 1000 ms
  });

  it("delivers a queued message with its subject, data, headers and delivery info, and acks it", async () => {
    const q = await queue();
    await jetstream(nc).publish(q.subject, "hello", { msgID: "m-1" });
    const m = (await pullNow(nc, q.stream, "d"))!;
    expect(m.subject).toBe(q.subject);
    expect(m.string()).toBe("hello");
    expect(m.headers?.get("Nats-Msg-Id")).toBe("m-1");
    expect(m.info).toMatchObject({ stream: q.stream, consumer: "d", deliveryCount: 1, streamSequence: 1, pending: 0 });
    m.ack();
    await nc.flush();
    // Work queue: acked means removed, just after the server takes the ack in.
    await expect.poll(async () => (await jsm.streams.info(q.stream)).state.messages, { timeout: 5000 }).toBe(0);
  });

  it("a nak with a delay redelivers after the delay, counting the delivery; a term removes the message", async () => {
    const q = await queue();
    await jetstream(nc).publish(q.subject, "again");
    const first = (await pullNow(nc, q.stream, "d"))!;
    first.nak(300);
    await nc.flush();
    expect(await pullNow(nc, q.stream, "d", 100)).toBeNull(); // not yet due
    let second = null;
    for (let i = 0; i < 20 && !second; i++) second = await pullNow(nc, q.stream, "d", 200);
    expect(second!.info.deliveryCount).toBe(2);
    expect(second!.info.redelivered).toBe(true);
    second!.term("done with it");
    await nc.flush();
    expect(await pullNow(nc, q.stream, "d", 300)).toBeNull();
    expect((await jsm.consumers.info(q.stream, "d")).num_ack_pending).toBe(0);
  });

  it("working() extends the claim past the ack wait", async () => {
    const q = await queue(1_000);
    await jetstream(nc).publish(q.subject, "slow");
    const m = (await pullNow(nc, q.stream, "d"))!;
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 400)); // the handler's work, 1.6 s in all
      m.working();
    }
    expect(await pullNow(nc, q.stream, "d", 100)).toBeNull(); // still claimed: not redelivered
    m.ack();
  });

  it("pulls at once on one connection share one subscription, and each message goes to exactly one of them", async () => {
    let subscribes = 0;
    const own = await nats.connect();
    const counted = new Proxy(own, {
      get(target, key) {
        const value = Reflect.get(target, key) as unknown;
        if (key === "subscribe") subscribes++;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    try {
      const a = await queue();
      const b = await queue();
      for (const i of [1, 2, 3]) await jetstream(nc).publish(a.subject, `a${i}`);
      await jetstream(nc).publish(b.subject, "b1");
      const got = await Promise.all([
        ...Array.from({ length: 5 }, () => pullNow(counted, a.stream, "d", 300)),
        ...Array.from({ length: 2 }, () => pullNow(counted, b.stream, "d", 300)),
      ]);
      const texts = got.map((m) => m?.string() ?? null);
      expect(texts.slice(0, 5).filter(Boolean).sort()).toEqual(["a1", "a2", "a3"]);
      expect(texts.slice(5).filter(Boolean)).toEqual(["b1"]);
      for (const m of got) expect(m === null || m.info.stream === (m.string().startsWith("a") ? a.stream : b.stream)).toBe(true);
      for (const m of got) m?.ack();
      await own.flush();
      for (let i = 0; i < 10; i++) expect(await pullNow(counted, a.stream, "d", 50)).toBeNull();
      expect(subscribes).toBe(1);
    } finally {
      await own.close();
    }
  });

  it("a message delivered to a pull already given up is handed back at once, not held until the ack wait", async () => {
    const q = await queue(60_000);
    // The server holds this pull 3 s; the caller stops waiting after 100 ms.
    await expect(pullNow(nc, q.stream, "d", 3_000, 100)).rejects.toThrow(/no answer within 100 ms/);
    await jetstream(nc).publish(q.subject, "late");
    // The server gives it to the abandoned pull, the only one waiting (the client reads that
    // delivery, and naks it, before this info's answer). Without the nak it would stay claimed for
    // the minute's ack wait, and the pull below would find nothing.
    await expect.poll(async () => (await jsm.consumers.info(q.stream, "d")).delivered.consumer_seq, { timeout: 5_000 }).toBe(1);
    const m = await pullNow(nc, q.stream, "d", 1_000);
    expect(m!.string()).toBe("late");
    expect(m!.info.deliveryCount).toBe(2); // the first went to the abandoned pull and was nak'd
    m!.ack();
    await nc.flush();
  });

  it("a pull open when its connection closes fails then, not at its timeout", async () => {
    const own = await nats.connect();
    const q = await queue();
    // Its own timeout is ten minutes away: without the close's answer this test would time out.
    const pull = pullNow(own, q.stream, "d", 3_000, 600_000);
    await own.flush();
    await own.close();
    await expect(pull).rejects.toThrow(/connection is closed/);
  });

  it("reads both forms of the ack subject", () => {
    expect(parseAckSubject("$JS.ACK.S.c.3.10.4.1700000000000000000.7")).toMatchObject({
      stream: "S",
      consumer: "c",
      deliveryCount: 3,
      streamSequence: 10,
      pending: 7,
    });
    expect(parseAckSubject("$JS.ACK.hub.acc.S.c.1.2.2.1700000000000000000.0.xyz")).toMatchObject({ domain: "hub", stream: "S", redelivered: false });
    expect(() => parseAckSubject("mp4t.v1.work")).toThrow(/not a JetStream delivery/);
  });
});
