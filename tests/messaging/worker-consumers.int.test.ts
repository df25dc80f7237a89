/**
 * The stage's consumers live in nats-server's memory (topology.ts): no state file rewritten at
 * every ack. What that costs is that a single-node server's restart, or an operator deleting a
 * consumer, loses them while the work stays stored; the worker must notice and create them again,
 * and the work still stored (the unacked included) must then be handled.
 */
import { Streams, STAGE_LANES, fairDurableName, newId } from "@mp4t/contracts";
import { startNats, startNatsCluster, silentLogger, type NatsCluster, type NatsServer } from "@mp4t/testing";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterEach, describe, expect, it } from "vitest";
import { createPublisher, createQueueInspector, createWorker, ensureTopology } from "@mp4t/messaging/internal";

const stream = Streams.lane(STAGE_LANES.enhance);
let nats: NatsServer | undefined;
let cluster: NatsCluster | undefined;
let nc: NatsConnection | undefined;

afterEach(async () => {
  await nc?.close();
  await nats?.[Symbol.asyncDispose]();
  await cluster?.[Symbol.asyncDispose]();
  nc = nats = cluster = undefined;
});

/** A single-node server, or (`replicas: 3`) a three-node cluster with every stream at three copies. */
async function setUp(handler: (jobId: string) => Promise<void> = async () => undefined, opts: { replicas?: 3 } = {}) {
  let servers: string[];
  if (opts.replicas) {
    cluster = await startNatsCluster(3);
    servers = cluster.nodes.map((n) => n.url);
  } else {
    nats = await startNats();
    servers = [nats.url];
  }
  // Reconnects quickly and for as long as the test runs: the server goes away and comes back on purpose.
  nc = await connect({ servers, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  const jsm = await jetstreamManager(nc);
  await ensureTopology(jsm, opts.replicas ? { replicas: opts.replicas } : {});
  const done: string[] = [];
  const worker = createWorker({
    js: jetstream(nc),
    jsm,
    stage: "enhance",
    service: "enhancer",
    logger: silentLogger(),
    concurrency: 2,
    ackWaitMs: 5000,
    maxDeliver: 3,
    deadlineMs: 10_000,
    resyncMs: 60_000, // recovery must not wait for the periodic read
    handler: async (msg) => {
      await handler(msg.jobId);
      done.push(msg.jobId);
    },
  });
  const publish = async (cls: "interactive" | "batch", jobId = newId()) => {
    await createPublisher(jetstream(nc!), { service: "test" }).command("enhance", cls, { v: 1, jobId, userId: `u-${jobId}` }, newId());
    return jobId;
  };
  const until = async (ok: () => boolean | Promise<boolean>, ms = 15_000) => {
    const end = Date.now() + ms;
    while (!(await ok()) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    return ok();
  };
  const handled = async (ids: string[], ms?: number) => {
    await until(() => ids.every((id) => done.includes(id)), ms);
    return ids.filter((id) => done.includes(id));
  };
  const consumers = async () => {
    const names: string[] = [];
    for await (const ci of jsm.consumers.list(stream)) if (ci.name.startsWith("enhancer-")) names.push(ci.name);
    return names.sort();
  };
  return { jsm, worker, publish, handled, done, until, consumers };
}

describe("the stage's consumers, kept in the server's memory", () => {
  it("are memory consumers, and come back after an operator deletes them while the worker runs", async () => {
    const { jsm, worker, publish, handled, consumers } = await setUp();
    await worker.start();
    try {
      expect((await jsm.consumers.info(stream, fairDurableName("enhance", "interactive", 0))).config.mem_storage).toBe(true);
      const first = await publish("interactive");
      expect(await handled([first])).toEqual([first]);
      const all = await consumers();
      expect(all).toHaveLength(16);
      for (const c of all) await jsm.consumers.delete(stream, c);
      // Published to no consumer, they wait in the stream; the worker's pull fails and it looks.
      const ids = [await publish("interactive"), await publish("batch")];
      expect(await handled(ids)).toEqual(ids);
      expect(await consumers()).toEqual(all);
    } finally {
      await worker.stop(1000);
    }
  });

  it("a single-node restart loses them with work in flight: the running worker creates them again and the unacked work is delivered again", async () => {
    let gate: (() => void) | undefined;
    const held = new Promise<void>((r) => (gate = r));
    // Known before it is published: the worker may take it before the publish is acknowledged.
    const first = newId();
    let started = 0;
    const { jsm, worker, publish, handled, done, until, consumers } = await setUp(async (jobId) => {
      if (jobId !== first) return;
      started++;
      await held; // in flight while the server restarts
    });
    await worker.start();
    try {
      await publish("interactive", first);
      expect(await until(() => started === 1)).toBe(true);
      await nats!.stop();
      await nats!.start();
      gate!(); // its ack goes to a consumer that no longer exists
      // The stream kept the message; the consumers are created again and deliver it once more.
      expect(await until(() => done.filter((id) => id === first).length >= 2)).toBe(true);
      expect(await consumers()).toHaveLength(16);
      const after = await publish("batch");
      expect(await handled([after])).toEqual([after]);
      expect(await until(async () => (await jsm.streams.info(stream)).state.messages === 0)).toBe(true);
    } finally {
      gate!();
      await worker.stop(1000);
    }
  });

  it("a paused lane's consumers, created again after a restart, are paused too; a resume lets the work through", async () => {
    const { jsm, worker, publish, handled, done, until, consumers } = await setUp();
    await worker.start();
    try {
      const lanes = createQueueInspector(async () => jsm); // what the gateway's admin route calls
      const paused = await lanes.setLanePaused(STAGE_LANES.enhance, new Date(Date.now() + 10 * 60_000));
      expect(paused.every((c) => c.paused)).toBe(true);
      await nats!.stop();
      await nats!.start();
      expect(await until(async () => (await consumers().catch(() => [])).length === 16)).toBe(true);
      for (const name of await consumers()) expect((await jsm.consumers.info(stream, name)).paused, name).toBe(true);
      const held = await publish("interactive");
      await new Promise((r) => setTimeout(r, 1500)); // a paused lane hands out nothing: the absence is what is checked
      expect(done).not.toContain(held);
      await lanes.setLanePaused(STAGE_LANES.enhance, null);
      expect(await handled([held])).toEqual([held]);
      // The resume is remembered too: consumers made after it are not paused.
      expect((await jsm.streams.info(stream)).config.metadata?.["mp4t.pause_until"]).toBeUndefined();
    } finally {
      await worker.stop(1000);
    }
  });

  it("after a restart with nothing stored, the reconnect's read creates them with no publish to prompt it", async () => {
    const { worker, publish, handled, until, consumers } = await setUp();
    await worker.start();
    try {
      const first = await publish("batch");
      expect(await handled([first])).toEqual([first]);
      await nats!.stop();
      await nats!.start();
      expect(await until(async () => (await consumers().catch(() => [])).length === 16)).toBe(true);
      const after = await publish("interactive");
      expect(await handled([after])).toEqual([after]);
    } finally {
      await worker.stop(1000);
    }
  });

  it("a whole three-node cluster's restart with work in flight: the work stays stored, the consumers are there again and the unacked work is delivered again", async () => {
    let gate: (() => void) | undefined;
    const held = new Promise<void>((r) => (gate = r));
    const first = newId();
    let started = 0;
    const { jsm, worker, publish, handled, done, until, consumers } = await setUp(
      async (jobId) => {
        if (jobId !== first) return;
        started++;
        await held;
      },
      { replicas: 3 },
    );
    await worker.start();
    try {
      expect((await jsm.consumers.info(stream, fairDurableName("enhance", "interactive", 0))).config.mem_storage).toBe(true);
      await publish("interactive", first);
      const queued = await publish("batch"); // stored behind the held one: the restart must not lose it
      expect(await until(() => started === 1)).toBe(true);
      // Every node at once, as a power cut: no copy of a memory consumer's state survives anywhere.
      // (Their definitions do: the cluster's meta log is on disk and brings them back, state reset.)
      await Promise.all(cluster!.nodes.map((n) => n.kill()));
      await Promise.all(cluster!.nodes.map((n) => n.restart()));
      await cluster!.metaLeader(30_000);
      gate!();
      expect(await until(() => done.filter((id) => id === first).length >= 2, 60_000)).toBe(true);
      expect(await handled([queued])).toEqual([queued]);
      expect(await until(async () => (await consumers().catch(() => [])).length === 16, 30_000)).toBe(true);
      for (const name of await consumers()) {
        const ci = await jsm.consumers.info(stream, name);
        expect(ci.config.mem_storage, name).toBe(true);
        expect(ci.cluster?.replicas?.length ?? 0, name).toBe(2); // a leader and two followers again
      }
      const after = await publish("interactive");
      expect(await handled([after], 30_000)).toEqual([after]);
      expect(await until(async () => (await jsm.streams.info(stream)).state.messages === 0, 30_000)).toBe(true);
    } finally {
      gate!();
      await worker.stop(1000);
    }
  }, 180_000);
});
