/**
 * Processes that start together open the same buckets at once (npm start's gateway and worker, a
 * test's two stores): each finds no stream and adds it, and the first one to bring the stream to
 * our settings (ensureBucketStream) makes the others' adds differ from it. nats-server refuses
 * those (10058, "stream name already in use with a different configuration"); the store opens
 * the bucket again, which finds the stream.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { startNats, type NatsServer } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kvm } from "@nats-io/kv";
import { jetstreamManager } from "@nats-io/jetstream";
import { createBucket, createNatsKvApiKeyStore, createNatsKvJobStore, createNatsObjectBlobStore, ensureBucketStream } from "../src/index.ts";

let nats: NatsServer;
let ncs: NatsConnection[];
beforeAll(async () => {
  nats = await startNats();
  ncs = await Promise.all([1, 2, 3, 4].map(() => nats.connect()));
});
afterAll(async () => {
  for (const nc of ncs ?? []) await nc.close();
  await nats?.[Symbol.asyncDispose]();
});

describe("NATS buckets opened by several processes at once", () => {
  it("opens a bucket whose add lost the race: the server's 10058 is retried, and the stream kept as the winner left it", async () => {
    const nc = ncs[0]!;
    // The winner: the bucket's stream made and brought to our settings.
    await new Kvm(nc).create("lost-race", { history: 1 });
    await ensureBucketStream(nc, "KV_lost-race", undefined);
    const jsm = await jetstreamManager(nc);
    const settled = (await jsm.streams.info("KV_lost-race")).config;
    // The loser's first try: its add, made before it could see the stream, with the creation's config.
    let tries = 0;
    const kv = await createBucket(async () => {
      if (++tries === 1) await jsm.streams.add({ ...settled, max_consumers: -1 });
      return new Kvm(nc).create("lost-race", { history: 1 });
    });
    expect(tries).toBe(2);
    await kv.put("k", "v");
    expect((await kv.get("k"))?.string()).toBe("v");
    expect((await jsm.streams.info("KV_lost-race")).config.max_consumers).toBe(settled.max_consumers);
    // Any other error is not retried.
    let other = 0;
    await expect(
      createBucket(async () => {
        other++;
        throw new Error("no JetStream");
      }),
    ).rejects.toThrow("no JetStream");
    expect(other).toBe(1);
  });

  it("open every time: job stores, key stores and blob stores, four at a time, twenty rounds", async () => {
    for (let round = 0; round < 20; round++) {
      const opened = await Promise.allSettled([
        ...ncs.map((nc) => createNatsKvJobStore(nc, { prefix: `race${round}` })),
        ...ncs.map((nc) => createNatsKvApiKeyStore(nc, { prefix: `racek${round}` })),
        ...ncs.map((nc) => createNatsObjectBlobStore(nc, { bucket: `race-blobs-${round}` })),
      ]);
      const refused = opened.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
      expect(refused, `round ${round}`).toEqual([]);
    }
    // The stores work: one writes a job, another of the same bucket reads it.
    const [a, b] = await Promise.all(ncs.slice(0, 2).map((nc) => createNatsKvJobStore(nc, { prefix: "race0" })));
    const { sampleJob } = await import("../src/conformance/job-store.conformance.ts");
    const job = sampleJob("u1");
    await a!.createJob(job);
    expect((await b!.getJob({ userId: "u1", jobId: job.id }))?.id).toBe(job.id);
  }, 120_000);
});
