import { Streams, Subjects, type User } from "@mp4t/contracts";
import { WEBHOOK_EVENTS_DURABLE, createMessagingPorts } from "@mp4t/messaging";
import { NATS_USERS, ensureFairConsumers, ensureTopology, inboxPrefix, pullNow, type NatsUser } from "@mp4t/messaging/internal";
import { createNatsKvJobStore, createNatsObjectBlobStore } from "@mp4t/stores";
import { WEBHOOK_JOB_EVENT_TYPES, createNatsKvWebhookStore } from "@mp4t/webhooks";
import { startNats, type NatsServer } from "@mp4t/testing";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Issue 17, NATS: the server runs the permission table `npm start` and deploy/nats/*.conf use
 * (packages/messaging nats-permissions.ts), and each service's credentials are tried outside
 * their permissions. Real nats-server; every refusal is the server's.
 */
const PERMISSION = /permissions violation/i;

const user: User = {
  id: "u-victim",
  email: "victim@sec.test",
  role: "user",
  passwordHash: "scrypt$x$y",
  createdAt: new Date().toISOString(),
} as User;

describe("NATS least privilege (generated server config)", () => {
  let nats: NatsServer;
  const conns: NatsConnection[] = [];
  const as = async (u: NatsUser) => {
    const nc = await nats.connectAs(u, { reconnect: false });
    conns.push(nc);
    return nc;
  };

  beforeAll(async () => {
    nats = await startNats({ auth: true });
    // The gateway owns the topology and the buckets, as it does at start.
    const gw = await as("gateway");
    await ensureTopology(await jetstreamManager(gw));
    const store = await createNatsKvJobStore(gw);
    await store.createUser(user);
    await createNatsObjectBlobStore(gw);
    await createNatsKvWebhookStore(gw);
  });
  afterAll(async () => {
    await Promise.all(conns.map((c) => c.close().catch(() => undefined)));
    await nats?.[Symbol.asyncDispose]();
  });

  it("refuses a connection without credentials", async () => {
    await expect(connect({ servers: nats.url, reconnect: false })).rejects.toThrow(/authorization/i);
  });

  it("refuses a wrong password, for every user", async () => {
    for (const u of NATS_USERS) {
      await expect(connect({ servers: nats.url, reconnect: false, user: u, pass: "not-the-password" })).rejects.toThrow(/authorization/i);
    }
  });

  it("gateway credentials read and write the users bucket", async () => {
    const store = await createNatsKvJobStore(await as("gateway"));
    expect((await store.getUserByEmail(user.email))?.id).toBe(user.id);
    await store.createUser({ ...user, id: "u-second", email: "second@sec.test" });
    expect((await store.getUserByEmail("second@sec.test"))?.id).toBe("u-second");
  });

  it("no worker can read or write the users bucket", async () => {
    for (const u of ["ingest", "transcriber", "diarizer", "enhancer", "janitor"] as const) {
      const nc = await as(u);
      const jsm = await jetstreamManager(nc);
      await expect(jsm.streams.info("KV_mp4t-users"), u).rejects.toThrow(PERMISSION);
      await expect(jsm.direct.getMessage("KV_mp4t-users", { last_by_subj: "$KV.mp4t-users.>" }), u).rejects.toThrow(PERMISSION);
      await expect(jsm.streams.getMessage("KV_mp4t-users", { last_by_subj: "$KV.mp4t-users.>" }), u).rejects.toThrow(PERMISSION);
      await expect(jetstream(nc).publish("$KV.mp4t-users.email.attacker", JSON.stringify({ ...user, role: "admin" })), u).rejects.toThrow(PERMISSION);
      await expect(createNatsKvJobStore(nc), u).rejects.toThrow(PERMISSION);
      // A worker's job store (as pipeline services open it) works without the users bucket.
      const store = await createNatsKvJobStore(nc, { users: false });
      expect(await store.getJob({ userId: "u1", jobId: "none" }), u).toBeNull();
      await expect(store.getUserByEmail(user.email), u).rejects.toThrow(/without the users bucket/);
    }
  });

  it("only the janitor (and the gateway) reach the webhook buckets; it makes its events durable but no other there", async () => {
    const janitor = await as("janitor");
    const store = await createNatsKvWebhookStore(janitor);
    expect(await store.listEndpoints("u1")).toEqual([]);
    expect(await store.dueDeliveries(new Date(), 10)).toEqual([]);
    const jsm = await jetstreamManager(janitor);
    await jsm.consumers.add(Streams.events, {
      durable_name: WEBHOOK_EVENTS_DURABLE,
      filter_subject: Subjects.events,
      ack_policy: "explicit" as never,
      deliver_policy: "new" as never,
    });
    await expect(jsm.consumers.add(Streams.events, { durable_name: "janitor-other", ack_policy: "explicit" as never })).rejects.toThrow(PERMISSION);
    // That durable is as an earlier release made it (every event); the janitor's own start, with
    // its credentials, narrows it in place to the job ends webhooks carry.
    const { events } = createMessagingPorts(janitor, { service: "janitor" });
    const following = await events.consumeDurable(WEBHOOK_EVENTS_DURABLE, async () => undefined, { types: WEBHOOK_JOB_EVENT_TYPES });
    try {
      const narrowed = await jsm.consumers.info(Streams.events, WEBHOOK_EVENTS_DURABLE);
      expect(narrowed.config.filter_subjects).toEqual([...WEBHOOK_JOB_EVENT_TYPES.map((t) => `mp4t.v1.events.*.${t}`), "mp4t.v1.events.*"]);
    } finally {
      await following.stop();
    }
    await expect(jetstream(janitor).publish(Subjects.work("webhook", "batch", "u1"), JSON.stringify({ v: 1 }))).resolves.toBeDefined();
    for (const u of ["ingest", "transcriber", "diarizer", "enhancer"] as const) {
      const nc = await as(u);
      await expect(createNatsKvWebhookStore(nc), u).rejects.toThrow(PERMISSION);
      await expect(jetstream(nc).publish("$KV.mp4t-webhooks.ep.u1.x", "{}"), u).rejects.toThrow(PERMISSION);
      await expect(jetstream(nc).publish(Subjects.work("webhook", "batch", "u1"), "{}"), u).rejects.toThrow(PERMISSION);
    }
  });

  it("the transcriber cannot publish to another lane or stage, but can to the next stage and its own (a windowed job's next chunk)", async () => {
    const js = jetstream(await as("transcriber"));
    const body = JSON.stringify({ v: 1, jobId: "j1", userId: "u1" });
    for (const subject of [Subjects.work("ingest", "interactive", "u1"), Subjects.work("enhance", "interactive", "u1")]) {
      await expect(js.publish(subject, body), subject).rejects.toThrow(PERMISSION);
    }
    await expect(js.publish(Subjects.deadLetter("ingest"), body)).rejects.toThrow(PERMISSION);
    const ack = await js.publish(Subjects.work("diarize", "interactive", "u1"), body);
    expect(ack.stream).toBe(Streams.lane("high"));
    expect((await js.publish(Subjects.work("transcribe", "batch", "u1"), body)).stream).toBe(Streams.lane("high"));
  });

  it("each worker hears its own stage's work publishes (dispatch signals), not another stage's", async () => {
    const nc = await as("transcriber");
    const own = nc.subscribe(Subjects.stageFilter("transcribe"), { max: 1 });
    const other = nc.subscribe(Subjects.stageFilter("diarize"));
    await nc.flush();
    const closed = await Promise.race([other.closed, new Promise((r) => setTimeout(() => r("still open"), 2000))]);
    expect(String(closed)).toMatch(PERMISSION);
    const gw = jetstream(await as("gateway"));
    await gw.publish(Subjects.work("transcribe", "interactive", "u2"), JSON.stringify({ v: 1, jobId: "j2", userId: "u2" }));
    for await (const m of own) expect(m.subject).toBe(Subjects.work("transcribe", "interactive", "u2"));
    expect(own.getProcessed()).toBe(1);
  });

  it("the transcriber cannot read another user's inbox or the shared one", async () => {
    const nc = await as("transcriber");
    for (const subject of [`${inboxPrefix("gateway")}.>`, "_INBOX.>", ">", Subjects.work("ingest", "interactive")]) {
      const sub = nc.subscribe(subject);
      await nc.flush();
      const closed = await Promise.race([sub.closed, new Promise((r) => setTimeout(() => r("still open"), 2000))]);
      expect(String(closed), subject).toMatch(PERMISSION);
    }
  });

  it("no other service can publish into a worker's inbox, where its pulls' answers arrive (a forged delivery)", async () => {
    // A connection's pulls share one subscription on its inbox (pull-now.ts): a message with an
    // ack subject there is taken as a delivery of that consumer. Every other user's publish into
    // it is refused by the server, while the worker's pull is open and waiting.
    const ingest = await as("ingest");
    const made = await ensureFairConsumers(await jetstreamManager(ingest), "ingest", { ackWaitMs: 30_000 });
    const durable = made.consumers[0]!.name;
    const pull = pullNow(ingest, made.stream, durable, 3000);
    const forgedAck = `$JS.ACK.${made.stream}.${durable}.1.1.1.0.0`;
    // Every other service's user (admin is the operator's own, trusted with the whole server).
    for (const u of NATS_USERS.filter((x) => x !== "ingest" && x !== "admin")) {
      const nc = await as(u);
      const refusal = (async () => {
        for await (const s of nc.status()) if (s.type === "error") return String(s.error);
        return "closed";
      })();
      nc.publish(`${inboxPrefix("ingest")}.forged.1`, JSON.stringify({ v: 1, jobId: "forged" }), { reply: forgedAck });
      await nc.flush();
      const seen = await Promise.race([refusal, new Promise<string>((r) => setTimeout(() => r("no refusal"), 2000))]);
      expect(seen, u).toMatch(/permissions violation for publish to "_INBOX_ingest\.forged\.1"/i);
    }
    expect(await pull).toBeNull(); // the pull ended empty: nothing forged reached it
  });

  it("a worker cannot create, change or delete streams, nor take another stage's consumers", async () => {
    const nc = await as("transcriber");
    const jsm = await jetstreamManager(nc);
    await expect(jsm.streams.add({ name: "EVIL", subjects: ["evil.>"] })).rejects.toThrow(PERMISSION);
    await expect(jsm.streams.delete(Streams.lane("high"))).rejects.toThrow(PERMISSION);
    await expect(jsm.streams.purge(Streams.events)).rejects.toThrow(PERMISSION);
    await expect(
      jsm.consumers.add(Streams.lane("high"), { durable_name: "diarizer-diarize-interactive-b0", filter_subject: Subjects.stageFilter("diarize") }),
    ).rejects.toThrow(PERMISSION);
    await expect(
      jsm.consumers.add(Streams.lane("critical"), { durable_name: "ingest-ingest-interactive-b0", filter_subject: Subjects.stageFilter("ingest") }),
    ).rejects.toThrow(PERMISSION);
  });

  it("each worker makes and pulls its own stage's durables", async () => {
    for (const [u, stage] of [
      ["ingest", "ingest"],
      ["transcriber", "transcribe"],
      ["diarizer", "diarize"],
      ["enhancer", "enhance"],
      ["janitor", "cleanup"],
    ] as const) {
      const nc = await as(u);
      const made = await ensureFairConsumers(await jetstreamManager(nc), stage, { ackWaitMs: 30_000 });
      expect(made.consumers.length, u).toBeGreaterThan(0);
      const c = await jetstream(nc).consumers.get(made.stream, made.consumers[1]!.name);
      expect(await c.next({ expires: 1000 }), u).toBeNull(); // nothing queued for that bucket: an empty pull, not a refusal
    }
  });

  it("after a nats-server restart a worker reconnects with its credentials and finds the gateway's streams", async () => {
    const nc = await nats.connectAs("transcriber", { maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    conns.push(nc);
    const reconnected = (async () => {
      for await (const st of nc.status()) if (st.type === "reconnect") return;
    })();
    await nats.stop();
    await nats.start();
    await reconnected;
    const made = await ensureFairConsumers(await jetstreamManager(nc), "transcribe", { ackWaitMs: 30_000 });
    const c = await jetstream(nc).consumers.get(made.stream, made.consumers[2]!.name);
    expect(await c.next({ expires: 1000 })).toBeNull();
    await expect(jetstream(nc).publish(Subjects.work("ingest", "batch", "u1"), "{}")).rejects.toThrow(PERMISSION);
  });
});
