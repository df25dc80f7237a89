import type { Job } from "@mp4t/contracts";
import { createPublisher, ensureTopology } from "@mp4t/messaging/internal";
import { createNatsKvJobStore, type JobStore } from "@mp4t/stores";
import { sampleJob } from "@mp4t/stores/conformance";
import { startNats, type NatsServer } from "@mp4t/testing";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobLifecycle, type JobLifecycle } from "../src/index.ts";
import { readJobEvents } from "../src/testing/index.ts";

/**
 * Two workers (two connections, two job stores, each remembering the records it last saw) on one
 * real nats-server: a replay on the worker that saw the job last before another one finished it.
 */
let nats: NatsServer;
let ncs: NatsConnection[];
let stores: JobStore[];
let workers: JobLifecycle[];

beforeAll(async () => {
  nats = await startNats();
  ncs = [await nats.connect(), await nats.connect()];
  await ensureTopology(await jetstreamManager(ncs[0]!));
  stores = await Promise.all(ncs.map((nc) => createNatsKvJobStore(nc)));
  workers = ncs.map((nc, i) => createJobLifecycle({ jobs: stores[i]!, publisher: createPublisher(jetstream(nc), { service: `worker-${i}` }) }));
});
afterAll(async () => {
  for (const nc of ncs ?? []) await nc.close();
  await nats?.[Symbol.asyncDispose]();
});

/**
 * A job the stale worker last read mid-transcription (its store remembers that record and
 * revision), then taken to the end by the other worker: last chunk, assemble, complete.
 */
async function endedElsewhere() {
  const [stale, other] = workers as [JobLifecycle, JobLifecycle];
  const job: Job = sampleJob("u1", {
    status: "processing",
    progress: 0.45,
    chunks: { count: 2, done: [0] },
    stages: { ingest: { status: "done" }, transcribe: { status: "running" } },
  });
  await stores[0]!.createJob(job);
  const ref = { userId: job.userId, jobId: job.id };
  expect((await stores[0]!.getJob(ref))?.status).toBe("processing");
  expect((await other.chunkDone(ref, 1))?.allDone).toBe(true);
  expect(await other.stageStarted(ref, "assemble")).not.toBeNull();
  expect(await other.assembled(ref, true)).not.toBeNull();
  expect((await other.complete(ref, "enhance"))?.status).toBe("completed");
  const events = await readJobEvents(ncs[0]!, job.id);
  expect(events.filter((e) => e.type === "stage.done").map((e) => e.stage)).toEqual(["transcribe", "assemble", "enhance"]);
  return { stale, ref, events };
}

describe("job lifecycle: a replay on an out-of-date worker after the job ended elsewhere", () => {
  // Each step starts from the remembered (older) record, is refused by the store, and on the
  // current record finds the job completed: it must change nothing and publish nothing.
  const replays: [string, (l: JobLifecycle, ref: { userId: string; jobId: string }) => Promise<unknown>][] = [
    ["chunkDone", (l, ref) => l.chunkDone(ref, 1)],
    ["stageDone", (l, ref) => l.stageDone(ref, "transcribe")],
    ["stageStarted", (l, ref) => l.stageStarted(ref, "assemble")],
    ["assembled", (l, ref) => l.assembled(ref, true)],
    ["progress", (l, ref) => l.progress(ref, "transcribe", 0.9)],
  ];
  it.each(replays)("%s resolves to null and emits nothing", async (_name, replay) => {
    const { stale, ref, events } = await endedElsewhere();
    expect(await replay(stale, ref)).toBeNull();
    expect(await readJobEvents(ncs[0]!, ref.jobId)).toEqual(events);
    const current = await stores[1]!.getJob(ref);
    expect(current?.status).toBe("completed");
    expect(current?.progress).toBe(1);
  });
});

describe("job lifecycle: a re-drive is a run of its own", () => {
  it("reopen counts an attempt, and the run's failure at the same stage and progress is stored as a second event", async () => {
    const [l] = workers as [JobLifecycle];
    const job: Job = sampleJob("u2", { status: "processing", progress: 0.3, stages: { ingest: { status: "done" }, transcribe: { status: "running" } } });
    await stores[0]!.createJob(job);
    const ref = { userId: job.userId, jobId: job.id };
    expect((await l.fail(ref, "ENGINE_FAILED", "the engine was down", "transcribe"))?.status).toBe("failed");
    const reopened = await l.reopen(ref);
    expect(reopened).toMatchObject({ status: "processing", attempts: 2 });
    expect((await l.fail(ref, "ENGINE_FAILED", "the engine was down again", "transcribe"))?.status).toBe("failed");
    const events = await readJobEvents(ncs[0]!, job.id);
    expect(events.filter((e) => e.type === "failed").map((e) => e.error?.message)).toEqual(["the engine was down", "the engine was down again"]);
    expect(await l.reopen(ref)).toMatchObject({ attempts: 3 });
  });
});

describe("job lifecycle: the slots' busy time on a job's chunks", () => {
  const transcribing = async (userId: string, count: number) => {
    const job: Job = sampleJob(userId, {
      status: "processing",
      progress: 0.2,
      chunks: { count, done: [] },
      stages: { ingest: { status: "done" }, transcribe: { status: "running" } },
    });
    await stores[0]!.createJob(job);
    return { userId: job.userId, jobId: job.id };
  };

  it("adds each chunk's time once, with the chunk, from the current record: a replay of a recorded chunk adds nothing", async () => {
    const [a, b] = workers as [JobLifecycle, JobLifecycle];
    const ref = await transcribing("u3", 3);
    expect((await a.chunkDone(ref, 0, 1.25))?.job.chunks).toMatchObject({ busySec: 1.25, busyChunks: 1 });
    expect((await b.chunkDone(ref, 0, 9))?.job.chunks).toMatchObject({ busySec: 1.25, busyChunks: 1 }); // a redelivery of chunk 0, on another worker
    expect((await a.chunkDone(ref, 2, 0.25))?.job.chunks).toMatchObject({ busySec: 1.5, busyChunks: 2 });
    // b last read the job after its chunk 0: its first attempt, on that record, is refused; the sum is the current one's.
    const last = await b.chunkDone(ref, 1, 0.5);
    expect(last).toMatchObject({ allDone: true, job: { chunks: { done: [0, 1, 2], busySec: 2, busyChunks: 3 } } });
    expect((await stores[0]!.getJob(ref))?.chunks).toMatchObject({ busySec: 2, busyChunks: 3 });
  });

  it("sums chunks recorded at once on two workers exactly, and counts only the chunks given a time", async () => {
    const [a, b] = workers as [JobLifecycle, JobLifecycle];
    const ref = await transcribing("u4", 5);
    await Promise.all([a.chunkDone(ref, 0, 0.5), b.chunkDone(ref, 1, 0.25), a.chunkDone(ref, 2, 1), b.chunkDone(ref, 3, 2)]);
    await a.chunkDone(ref, 4); // no time: an older release's transcriber
    expect((await stores[0]!.getJob(ref))?.chunks).toMatchObject({ done: [0, 1, 2, 3, 4], busySec: 3.75, busyChunks: 4 });
  });
});
