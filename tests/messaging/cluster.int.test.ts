/**
 * JetStream replication on real three-node clusters: every stream and durable consumer gets the
 * configured replicas, and queued work survives the SIGKILL of the node leading its lane. The two
 * cases run at once, each on its own cluster, since both wait on leader elections.
 */
import { FAIR_BUCKETS, JOB_CLASSES, Streams, Subjects, fairDurableName, type Stage } from "@mp4t/contracts";
import { pollUntil, startNatsCluster } from "@mp4t/testing";
import { jetstream, jetstreamManager, type ClusterInfo, type JetStreamManager } from "@nats-io/jetstream";
import { describe, it, type ExpectStatic } from "vitest";
import { newId } from "@mp4t/contracts";
import { ensureFairConsumers, ensureTopology, streamConfigs } from "@mp4t/messaging/internal";

const STAGE: Stage = "transcribe";
const LANE_STREAM = Streams.lane("high");
const STREAMS = streamConfigs().map((c) => c.name);
const FAIR_NAMES = JOB_CLASSES.flatMap((cls) => Array.from({ length: FAIR_BUCKETS }, (_, b) => fairDurableName(STAGE, cls, b)));
const limits = { ackWaitMs: 30_000 };

/** Leader plus followers that have caught up with it. */
const current = (c: { cluster?: ClusterInfo }) => (c.cluster?.leader ? 1 : 0) + (c.cluster?.replicas ?? []).filter((r) => r.current).length;

/** Waits until every stream, and every fair consumer of STAGE, has `n` current copies. */
async function expectCopies(expect: ExpectStatic, jsm: JetStreamManager, n: number) {
  for (const name of STREAMS) {
    const si = await pollUntil(
      () => jsm.streams.info(name),
      (i) => current(i) === n,
      `${n} current copies of ${name}`,
    );
    expect(si.config.num_replicas, name).toBe(n);
  }
  for (const name of FAIR_NAMES) {
    const ci = await pollUntil(
      () => jsm.consumers.info(LANE_STREAM, name),
      (i) => current(i) === n,
      `${n} current copies of ${name}`,
    );
    // 0: the consumer inherits the stream's replicas, and follows it when they change.
    expect(ci.config.num_replicas ?? 0, name).toBe(0);
  }
}

describe.concurrent("JetStream replication (JETSTREAM_REPLICAS)", () => {
  it("leaves the stream configs at one replica unless asked, and changes nothing else", ({ expect }) => {
    const one = streamConfigs();
    const three = streamConfigs({ replicas: 3 });
    expect(one.map((c) => c.num_replicas)).toEqual(one.map(() => 1));
    expect(three.map((c) => ({ ...c, num_replicas: 1 }))).toEqual(one);
  });

  it("scales existing one-replica streams and their consumers to 3, and never back down unasked", async ({ expect }) => {
    await using cluster = await startNatsCluster(3);
    const nc = await cluster.connect();
    try {
      const jsm = await jetstreamManager(nc);
      await ensureTopology(jsm);
      await ensureFairConsumers(jsm, STAGE, limits);
      await expectCopies(expect, jsm, 1);

      await ensureTopology(jsm, { replicas: 3 });
      await expectCopies(expect, jsm, 3);

      // A tool or test that names no replica count keeps what the deployment chose.
      await ensureTopology(jsm);
      for (const name of STREAMS) expect((await jsm.streams.info(name)).config.num_replicas, name).toBe(3);
    } finally {
      await nc.close();
    }
  });

  it("keeps queued work, and serves the lane, when the node leading the lane's stream is killed", async ({ expect }) => {
    await using cluster = await startNatsCluster(3);
    const nc = await cluster.connect();
    try {
      const jsm = await jetstreamManager(nc);
      await ensureTopology(jsm, { replicas: 3 });
      await ensureFairConsumers(jsm, STAGE, limits);
      await expectCopies(expect, jsm, 3);

      const js = jetstream(nc);
      const published: string[] = [];
      for (let i = 0; i < 20; i++) {
        const userId = `user-${i}`;
        const jobId = newId();
        // The ack comes once a quorum of the stream's peers has stored the message.
        await js.publish(Subjects.work(STAGE, i % 2 ? "batch" : "interactive", userId), JSON.stringify({ v: 1, jobId, userId }));
        published.push(jobId);
      }
      const leader = (await jsm.streams.info(LANE_STREAM)).cluster!.leader!;
      await cluster.nodes.find((n) => n.name === leader)!.kill();

      const survivors = cluster.nodes.filter((n) => n.running);
      expect(survivors.map((n) => n.name)).not.toContain(leader);
      const nc2 = await cluster.connect(survivors);
      try {
        // No account-info check: the killed node may have been the meta leader too.
        const jsm2 = await jetstreamManager(nc2, { checkAPI: false });
        const js2 = jetstream(nc2);
        const elected = (i: { cluster?: ClusterInfo }) => !!i.cluster?.leader && i.cluster.leader !== leader;
        const si = await pollUntil(() => jsm2.streams.info(LANE_STREAM), elected, `new leader for ${LANE_STREAM}`);
        expect(si.state.messages).toBe(published.length);

        // Every job comes out of the fair consumers, through the surviving nodes, once.
        const received: string[] = [];
        for (const name of FAIR_NAMES) {
          const ci = await pollUntil(() => jsm2.consumers.info(LANE_STREAM, name), elected, `new leader for ${name}`);
          if (ci.num_pending === 0) continue;
          const consumer = await js2.consumers.get(LANE_STREAM, name);
          let left = ci.num_pending;
          for await (const m of await consumer.fetch({ max_messages: left, expires: 5000 })) {
            received.push((m.json() as { jobId: string }).jobId);
            await m.ackAck();
            if (--left === 0) break;
          }
        }
        expect(received.sort()).toEqual([...published].sort());
        // Work-queue retention: acknowledged work leaves the stream, and the lane takes new work.
        await pollUntil(
          () => jsm2.streams.info(LANE_STREAM),
          (i) => i.state.messages === 0,
          "empty lane after the acks",
        );
        const ack = await js2.publish(Subjects.work(STAGE, "interactive", "user-after"), JSON.stringify({ v: 1, jobId: newId(), userId: "user-after" }));
        expect(ack.stream).toBe(LANE_STREAM);
      } finally {
        await nc2.close();
      }
    } finally {
      await nc.close();
    }
  });
});
