/**
 * The NATS KV job store remembers the last record it read or wrote per job, for the next
 * compare-and-set; the stores of one process share that memory per bucket stream (the split
 * layout's five services each have a store). Counted here: the direct gets each update makes,
 * as the server sees them.
 */
import { sampleJob } from "@mp4t/stores/conformance";
import { startNats } from "@mp4t/testing";
import type { NatsConnection } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { createNatsKvJobStore } from "../src/index.ts";

/** Direct gets of the jobs bucket (or, with `subject`, other requests) sent to the server, counted by a subscriber on their subject. */
async function countReads(nc: NatsConnection, subject = "$JS.API.DIRECT.GET.KV_mp4t-jobs.>") {
  const sub = nc.subscribe(subject);
  let n = 0;
  void (async () => {
    for await (const _ of sub) n++;
  })();
  await nc.flush();
  return {
    /** Reads so far, once the server has passed on everything sent before. */
    async count(...conns: NatsConnection[]) {
      for (const c of conns) await c.flush();
      await nc.flush();
      return n;
    },
    stop: () => sub.unsubscribe(),
  };
}

describe("NATS KV job store: records remembered per process", () => {
  it("lets a second store of the process write on the record the first just wrote, without reading it", async () => {
    await using nats = await startNats();
    const [watcher, ncA, ncB] = [await nats.connect(), await nats.connect(), await nats.connect()];
    try {
      const reads = await countReads(watcher);
      const a = await createNatsKvJobStore(ncA);
      const b = await createNatsKvJobStore(ncB); // its own connection, as each service of a process has
      const job = sampleJob("shared");
      const ref = { userId: job.userId, jobId: job.id };
      await a.createJob(job);
      await a.updateJob(ref, (j) => ({ ...j, status: "processing" }));
      expect(await reads.count(ncA)).toBe(1); // created, never read: the first change reads it
      await b.updateJob(ref, (j) => ({ ...j, progress: 0.5 }));
      await a.updateJob(ref, (j) => ({ ...j, progress: 0.9 }));
      expect(await reads.count(ncA, ncB)).toBe(1); // each wrote on what the other had written
      // A change decided on the remembered record that writes nothing is decided again on a fresh read.
      expect((await b.updateJob(ref, (j) => (j.progress >= 0.9 ? undefined : { ...j, progress: 0.9 })))?.progress).toBe(0.9);
      expect(await reads.count(ncB)).toBe(2);
      expect(await b.getJob(ref)).toMatchObject({ status: "processing", progress: 0.9 });
      reads.stop();
    } finally {
      await Promise.all([watcher.close(), ncA.close(), ncB.close()]);
    }
  });

  it("writes a process's concurrent changes of one job one after another: none refused, none re-read, none lost", async () => {
    await using nats = await startNats();
    const [watcher, ncA, ncB] = [await nats.connect(), await nats.connect(), await nats.connect()];
    try {
      const reads = await countReads(watcher);
      const writes = await countReads(watcher, "$KV.mp4t-jobs.>"); // every write sent, a refused one too
      const a = await createNatsKvJobStore(ncA);
      const b = await createNatsKvJobStore(ncB);
      const job = sampleJob("chunky", { chunks: { count: 12, done: [] } });
      const ref = { userId: job.userId, jobId: job.id };
      await a.createJob(job);
      const addChunk = (i: number) => (j: typeof job) => ({ ...j, chunks: { ...j.chunks!, done: [...j.chunks!.done, i] } });
      await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).updateJob(ref, addChunk(i))));
      expect([...(await a.getJob(ref))!.chunks!.done].sort((x, y) => x - y)).toEqual([...Array(12).keys()]);
      expect(await writes.count(ncA, ncB)).toBe(1 + 12); // the create and one write per change
      expect(await reads.count(ncA, ncB)).toBe(2); // the first change's, and the getJob above
      reads.stop();
      writes.stop();
    } finally {
      await Promise.all([watcher.close(), ncA.close(), ncB.close()]);
    }
  });

  it("re-reads a record another process changed (the write on the remembered revision is refused), and loses no change", async () => {
    await using nats = await startNats();
    const [ncA, ncOther] = [await nats.connect(), await nats.connect()];
    try {
      const a = await createNatsKvJobStore(ncA);
      const job = sampleJob("raced");
      const ref = { userId: job.userId, jobId: job.id };
      await a.createJob(job);
      await a.updateJob(ref, (j) => ({ ...j, status: "processing" }));
      // Another process: a raw KV write the process's memory knows nothing of.
      const { Kvm } = await import("@nats-io/kv");
      const kv = await new Kvm(ncOther).open("mp4t-jobs");
      const current = (await kv.get(`${job.userId}.${job.id}`))!;
      await kv.update(`${job.userId}.${job.id}`, JSON.stringify({ ...current.json<object>(), fileName: "renamed.mp4" }), current.revision);
      const after = await a.updateJob(ref, (j) => ({ ...j, progress: 0.4 }));
      expect(after).toMatchObject({ fileName: "renamed.mp4", progress: 0.4, status: "processing" });
      expect(await a.getJob(ref)).toMatchObject({ fileName: "renamed.mp4", progress: 0.4 });
    } finally {
      await Promise.all([ncA.close(), ncOther.close()]);
    }
  });

  it("shares nothing between two servers' buckets of one name: the same key at the same revision is another record", async () => {
    await using one = await startNats();
    await using two = await startNats();
    const [nc1, nc2] = [await one.connect(), await two.connect()];
    try {
      const s1 = await createNatsKvJobStore(nc1);
      const s2 = await createNatsKvJobStore(nc2);
      const job = sampleJob("twin");
      const ref = { userId: job.userId, jobId: job.id };
      await s1.createJob({ ...job, fileName: "first.mp4" });
      await s2.createJob({ ...job, fileName: "second.mp4" });
      await s1.updateJob(ref, (j) => ({ ...j, progress: 0.1 })); // both now at revision 2 of their own stream
      await s2.updateJob(ref, (j) => ({ ...j, progress: 0.1 }));
      expect((await s1.listJobs("twin", { limit: 5 })).items.map((j) => j.fileName)).toEqual(["first.mp4"]);
      expect((await s2.listJobs("twin", { limit: 5 })).items.map((j) => j.fileName)).toEqual(["second.mp4"]);
      expect((await s1.updateJob(ref, (j) => ({ ...j, progress: 0.2 })))?.fileName).toBe("first.mp4");
    } finally {
      await Promise.all([nc1.close(), nc2.close()]);
    }
  });
});
