import { BlobKeys, JobEvent, Streams, Subjects, type Job, type Stage, STAGE_LANES, fairDurableName, userBucket } from "@mp4t/contracts";
import { newId } from "@mp4t/contracts";
import { createPublisher, createQueueInspector } from "@mp4t/messaging/internal";
import { createStores, type Stores } from "@mp4t/stores";
import { createJobLifecycle } from "@mp4t/pipeline";
import { silentLogger, startNats, type NatsServer } from "@mp4t/testing";
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../src/config.ts";
import { reapStalled } from "../src/reaper.ts";
import { startJanitor } from "../src/worker.ts";

let nats: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
let stores: Stores;
let janitor: { stop(graceMs: number): Promise<void> };

beforeAll(async () => {
  nats = await startNats();
  nc = await nats.connect();
  const config = configSchema.parse({
    NATS_URL: nats.url,
    LOG_LEVEL: "silent",
    REAPER_STALE_SEC: "1",
    REAPER_INTERVAL_SEC: "1",
    REAPER_MAX_REDRIVES: "1",
  });
  janitor = await startJanitor({ config, logger: silentLogger(), nc: await nats.connect() });
  jsm = await jetstreamManager(nc);
  stores = await createStores(nc, { JOB_STORE: "nats", BLOB_STORE: "nats", JETSTREAM_REPLICAS: 1 });
});
afterAll(async () => {
  await janitor?.stop(1000);
  await stores?.close();
  await nc?.close();
  await nats?.[Symbol.asyncDispose]();
});

async function until<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Takes a stage's newest message for user u1 off its work queue, as a worker (or a loss) would.
 * Reads and deletes by subject rather than through a consumer, so it cannot race the janitor's
 * own consumers or leave one behind on a loaded machine.
 */
async function take(stage: Stage, userId = "u1"): Promise<{ jobId: string; msgId: string | undefined }[]> {
  const stream = Streams.lane(STAGE_LANES[stage]);
  const m = await jsm.streams.getMessage(stream, { last_by_subj: Subjects.work(stage, "interactive", userId) }).catch(() => null);
  if (!m) return [];
  await jsm.streams.deleteMessage(stream, m.seq);
  return [{ jobId: m.json<{ jobId: string }>().jobId, msgId: m.header?.get("Nats-Msg-Id") }];
}

const stalledJob = (over: Partial<Job>): Job => {
  const old = new Date(Date.now() - 60_000).toISOString();
  return {
    id: newId(),
    userId: "u1",
    status: "processing",
    progress: 0.8,
    fileName: "a.mp4",
    sizeBytes: 1,
    options: { language: "en", diarize: true, enhance: [], class: "interactive" },
    stages: { ingest: { status: "done" }, transcribe: { status: "done" } },
    createdAt: old,
    updatedAt: old,
    ...over,
  };
};

describe("janitor reaper (running janitor, real NATS)", () => {
  it("re-drives a job whose stage message was lost, then fails it with STAGE_TIMEOUT when it stays stuck", async () => {
    const job = stalledJob({});
    const ref = { userId: job.userId, jobId: job.id };
    await stores.jobs.createJob(job);

    // First pass: the diarize message is gone, so the reaper sends a fresh one.
    const first = await until(async () => (await take("diarize")).find((m) => m.jobId === job.id));
    expect(first.msgId).toBe(`reap:${job.id}:diarize:1`);
    expect((await stores.jobs.getJob(ref))?.reaped).toBe(1);

    // That one was taken and lost too: past REAPER_MAX_REDRIVES the job fails, visibly.
    const failed = await until(async () => {
      const j = await stores.jobs.getJob(ref);
      return j?.status === "failed" ? j : undefined;
    });
    expect(failed.error?.code).toBe("STAGE_TIMEOUT");
    expect(failed.stages.assemble?.status).toBe("failed");
    // The event follows the record's write (the lifecycle writes, then publishes): wait for the job's last event to be it.
    const event = await until(async () => {
      const m = await jsm.streams.getMessage(Streams.events, { last_by_subj: Subjects.jobEvents(job.id) }).catch(() => null);
      return m?.json<{ type?: string }>().type === "failed" ? m : undefined;
    });
    expect(JobEvent.parse(event.json())).toMatchObject({ type: "failed", error: { code: "STAGE_TIMEOUT" } });
  });

  it("leaves a stalled job alone while its stage has messages waiting (a backlog, not a loss)", async () => {
    const publisher = createPublisher(jetstream(nc), { service: "test" });
    // Someone else's enhance message sits in the queue first: this job may be behind it.
    await publisher.command("enhance", "interactive", { v: 1, jobId: newId(), userId: "u2" }, `enhance:backlog:${newId()}`);
    const job = stalledJob({ stages: { ingest: { status: "done" }, transcribe: { status: "done" }, diarize: { status: "done" } } });
    await stores.jobs.createJob(job);
    const deps = {
      jobs: stores.jobs,
      publisher,
      lifecycle: createJobLifecycle({ jobs: stores.jobs, publisher }),
      stageMessages: createQueueInspector(async () => jsm).stored,
      logger: silentLogger(),
    };
    for (let pass = 0; pass < 2; pass++) {
      expect(await reapStalled(deps, { staleMs: 1000, maxRedrives: 1 })).toMatchObject({ redriven: 0 });
    }
    expect((await stores.jobs.getJob({ userId: "u1", jobId: job.id }))?.reaped).toBeUndefined();
    expect((await take("enhance")).map((m) => m.jobId)).not.toContain(job.id);
    expect(await take("enhance", "u2")).toHaveLength(1); // a worker takes the backlog
    // The backlog gone, the running janitor re-sends the job's own message.
    const mine = await until(async () => (await take("enhance")).find((m) => m.jobId === job.id));
    expect(mine.msgId).toBe(`reap:${job.id}:enhance:1`);
  });

  it("keeps a failed job's temporary blobs for a re-drive, and deletes a completed job's", async () => {
    const publisher = createPublisher(jetstream(nc), { service: "test" });
    const [failed, done] = [newId(), newId()];
    for (const id of [failed, done]) await stores.blobs.put(BlobKeys.chunkAudio(id, 0), new Uint8Array([1, 2, 3]));
    await publisher.command("cleanup", "batch", { v: 1, jobId: failed, userId: "u1", reason: "failed" }, `cleanup:${failed}:failed`);
    await publisher.command("cleanup", "batch", { v: 1, jobId: done, userId: "u1", reason: "completed" }, `cleanup:${done}:completed`);
    await until(async () => (await stores.blobs.stat(BlobKeys.chunkAudio(done, 0))) === null);
    await until(async () => (await jsm.consumers.info(Streams.lane("low"), fairDurableName("cleanup", "batch", userBucket("u1")))).num_ack_pending === 0);
    expect(await stores.blobs.stat(BlobKeys.chunkAudio(failed, 0))).not.toBeNull();
  });

  it("deletes a rejected upload's blobs at once and keeps its job record", async () => {
    const publisher = createPublisher(jetstream(nc), { service: "test" });
    const job = stalledJob({ status: "failed", error: { code: "MEDIA_REFERENCE_NOT_ALLOWED", message: "a playlist" } });
    await stores.jobs.createJob(job);
    await stores.blobs.put(BlobKeys.upload(job.id), new Uint8Array([1, 2, 3]));
    await publisher.command("cleanup", "batch", { v: 1, jobId: job.id, userId: job.userId, reason: "rejected" }, `cleanup:${job.id}:rejected`);
    await until(async () => (await stores.blobs.stat(BlobKeys.upload(job.id))) === null);
    expect((await stores.jobs.getJob({ userId: job.userId, jobId: job.id }))?.error?.code).toBe("MEDIA_REFERENCE_NOT_ALLOWED");
  });
});
