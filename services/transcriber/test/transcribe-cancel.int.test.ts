import { BlobKeys, Streams, Subjects, type Word } from "@mp4t/contracts";
import { ensureTopology } from "@mp4t/messaging/internal";
import type { HandlerContext } from "@mp4t/messaging";
import { createNatsKvJobStore, createNatsObjectBlobStore } from "@mp4t/stores";
import { createPipelineDeps } from "@mp4t/pipeline";
import { sampleJob } from "@mp4t/stores/conformance";
import { silentLogger, startNats, type NatsServer } from "@mp4t/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineRegistry } from "../src/engine.registry.ts";
import { transcribeHandler } from "../src/handlers/transcribe.handler.ts";
import type { TranscriptionEngine } from "../src/ports.ts";

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

/** An engine that runs until its signal aborts, the way the pocketsphinx adapter kills its child. */
function endlessEngine() {
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  let aborted = false;
  const engine: TranscriptionEngine = {
    name: "endless",
    capability: { languages: ["*"], wordTimestamps: true, speakers: false },
    supportsLanguage: () => true,
    transcribe: (_wav, { signal }) => {
      started();
      return new Promise<Word[]>((_, reject) =>
        signal.addEventListener(
          "abort",
          () => {
            aborted = true;
            reject(new Error("engine process killed"));
          },
          { once: true },
        ),
      );
    },
  };
  return { engine, running, aborted: () => aborted };
}

const ctx = (signal: AbortSignal): HandlerContext => ({ deliveryCount: 1, signal, logger: silentLogger(), working: () => undefined });

describe("transcribe: a cancel stops work in flight", () => {
  it("aborts the engine when the job is canceled mid-run, stores nothing and sends nothing on", async () => {
    const jobs = await createNatsKvJobStore(nc);
    const blobs = await createNatsObjectBlobStore(nc);
    const { events, publisher, lifecycle } = createPipelineDeps({ service: "test", nc, stores: { jobs, blobs }, logger: silentLogger() });
    const { engine, running, aborted } = endlessEngine();
    const handler = transcribeHandler({ events, blobs, publisher, lifecycle, engines: createEngineRegistry([engine], "endless") });

    const job = sampleJob("u-cancel", { status: "processing", progress: 0.1, stages: { ingest: { status: "done" } }, chunks: { count: 1, done: [] } });
    await jobs.createJob(job);
    await blobs.put(BlobKeys.chunkAudio(job.id, 0), new Uint8Array(64));
    const ref = { userId: job.userId, jobId: job.id };

    const run = handler({ v: 1, ...ref, chunk: { index: 0, count: 1, startSec: 0, endSec: 3 } }, ctx(new AbortController().signal));
    await running;
    await lifecycle.cancel(ref); // what DELETE /v1/jobs/:id does
    await expect(run).resolves.toBeUndefined(); // acked: nothing left to do for a canceled job
    expect(aborted()).toBe(true);
    expect(await blobs.stat(BlobKeys.chunkResult(job.id, 0))).toBeNull();
    const high = await (await jetstreamManager(nc)).streams.info(Streams.lane("high"), { subjects_filter: Subjects.stageFilter("diarize") });
    expect(high.state.messages).toBe(0);
    expect((await jobs.getJob(ref))?.status).toBe("canceled");
  });

  it("sees a DELETE that lands right after the stage starts: no result stored for the purge to miss", async () => {
    const jobs = await createNatsKvJobStore(nc);
    const blobs = await createNatsObjectBlobStore(nc);
    const deps = createPipelineDeps({ service: "test", nc, stores: { jobs, blobs }, logger: silentLogger() });
    const job = sampleJob("u-delete-early", { status: "processing", progress: 0.1, stages: { ingest: { status: "done" } }, chunks: { count: 1, done: [] } });
    await jobs.createJob(job);
    await blobs.put(BlobKeys.chunkAudio(job.id, 0), new Uint8Array(64));
    const ref = { userId: job.userId, jobId: job.id };
    // The DELETE comes between the stage's start and the engine's run.
    const lifecycle = {
      ...deps.lifecycle,
      stageStarted: async (...args: Parameters<typeof deps.lifecycle.stageStarted>) => {
        const started = await deps.lifecycle.stageStarted(...args);
        await deps.lifecycle.cancel(ref);
        return started;
      },
    };
    let answered = false;
    // Answers after 2 s unless stopped first, as a fast engine that has already taken the chunk would.
    const engine: TranscriptionEngine = {
      name: "quick",
      capability: { languages: ["*"], wordTimestamps: true, speakers: false },
      supportsLanguage: () => true,
      transcribe: (_wav, { signal }) =>
        new Promise<Word[]>((resolve, reject) => {
          if (signal.aborted) return reject(new Error("stopped before it ran"));
          const timer = setTimeout(() => {
            answered = true;
            resolve([{ word: "late", start: 0, end: 1 }]);
          }, 2000);
          signal.addEventListener(
            "abort",
            () => {
              clearTimeout(timer);
              reject(new Error("engine process killed"));
            },
            { once: true },
          );
        }),
    };
    const handler = transcribeHandler({ events: deps.events, blobs, publisher: deps.publisher, lifecycle, engines: createEngineRegistry([engine], "quick") });
    await expect(handler({ v: 1, ...ref, chunk: { index: 0, count: 1, startSec: 0, endSec: 3 } }, ctx(new AbortController().signal))).resolves.toBeUndefined();
    expect(answered).toBe(false); // stopped before or while it ran
    expect(await blobs.stat(BlobKeys.chunkResult(job.id, 0))).toBeNull();
    expect((await jobs.getJob(ref))?.status).toBe("canceled");
  });

  it("removes its result when the job is deleted while the result is being stored: nothing outlives the purge", async () => {
    const jobs = await createNatsKvJobStore(nc);
    const store = await createNatsObjectBlobStore(nc);
    const deps = createPipelineDeps({ service: "test", nc, stores: { jobs, blobs: store }, logger: silentLogger() });
    const job = sampleJob("u-delete-while-storing", {
      status: "processing",
      progress: 0.1,
      stages: { ingest: { status: "done" } },
      chunks: { count: 1, done: [] },
    });
    await jobs.createJob(job);
    await store.put(BlobKeys.chunkAudio(job.id, 0), new Uint8Array(64));
    const ref = { userId: job.userId, jobId: job.id };
    const resultKey = BlobKeys.chunkResult(job.id, 0);
    // The result's write starts; meanwhile the job is deleted and its blobs purged; then the write lands.
    const blobs = {
      ...store,
      put: async (...args: Parameters<typeof store.put>) => {
        if (args[0] === resultKey) {
          await deps.lifecycle.cancel(ref);
          await nc.flush(); // the event has reached this connection's subscribers, the job's watch among them
          await store.deletePrefix(BlobKeys.prefix(job.id)); // the purge, done before the write ends
        }
        return store.put(...args);
      },
    };
    const engine: TranscriptionEngine = {
      name: "quick",
      capability: { languages: ["*"], wordTimestamps: true, speakers: false },
      supportsLanguage: () => true,
      transcribe: async () => [{ word: "late", start: 0, end: 1 }],
    };
    const handler = transcribeHandler({
      events: deps.events,
      blobs,
      publisher: deps.publisher,
      lifecycle: deps.lifecycle,
      engines: createEngineRegistry([engine], "quick"),
    });
    await expect(handler({ v: 1, ...ref, chunk: { index: 0, count: 1, startSec: 0, endSec: 3 } }, ctx(new AbortController().signal))).resolves.toBeUndefined();
    expect(await store.stat(resultKey)).toBeNull();
    expect(await store.list(BlobKeys.prefix(job.id))).toEqual([]);
    expect((await jobs.getJob(ref))?.status).toBe("canceled");
  });

  it("still fails as before when the runner itself aborts (deadline or shutdown)", async () => {
    const jobs = await createNatsKvJobStore(nc);
    const blobs = await createNatsObjectBlobStore(nc);
    const { events, publisher, lifecycle } = createPipelineDeps({ service: "test", nc, stores: { jobs, blobs }, logger: silentLogger() });
    const { engine, running } = endlessEngine();
    const handler = transcribeHandler({ events, blobs, publisher, lifecycle, engines: createEngineRegistry([engine], "endless") });
    const job = sampleJob("u-deadline", { status: "processing", progress: 0.1, stages: { ingest: { status: "done" } }, chunks: { count: 1, done: [] } });
    await jobs.createJob(job);
    await blobs.put(BlobKeys.chunkAudio(job.id, 0), new Uint8Array(64));
    const runner = new AbortController();
    const run = handler({ v: 1, userId: job.userId, jobId: job.id, chunk: { index: 0, count: 1, startSec: 0, endSec: 3 } }, ctx(runner.signal));
    await running;
    runner.abort();
    await expect(run).rejects.toThrow("engine process killed");
  });
});
