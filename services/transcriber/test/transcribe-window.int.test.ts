/**
 * Fair share between one user's jobs: a windowed job has at most `window` chunks queued at once,
 * each finished chunk queueing the next, so its owner's short job, submitted while the long one
 * runs, is transcribed after at most `window` more of the long job's chunks instead of all of
 * them. Real nats-server, stores, worker runner and handler; the engine is the OpenAI-compatible
 * adapter against the local fake (a paid API's stand-in).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobKeys, type Command, type Job } from "@mp4t/contracts";
import { createWorker, ensureTopology } from "@mp4t/messaging/internal";
import { createNatsKvJobStore, createNatsObjectBlobStore, uploadFile } from "@mp4t/stores";
import { createPipelineDeps } from "@mp4t/pipeline";
import { sampleJob } from "@mp4t/stores/conformance";
import { makeSilenceWav, silentLogger, startFakeOpenAi, startNats } from "@mp4t/testing";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { createOpenAiEngine } from "../src/adapters/openai.adapter.ts";
import { createEngineRegistry } from "../src/engine.registry.ts";
import { transcribeHandler } from "../src/handlers/transcribe.handler.ts";

const WINDOW = 2;

describe("windowed chunks", () => {
  it("transcribes a user's short job after at most `window` chunks of their long job, and the long job still completes", async () => {
    await using nats = await startNats();
    const fake = await startFakeOpenAi({ transcript: "one two three", latencyMs: 20 });
    const dir = await mkdtemp(join(tmpdir(), "mp4t-window-"));
    const nc = await nats.connect();
    try {
      const jsm = await jetstreamManager(nc);
      await ensureTopology(jsm);
      const js = jetstream(nc);
      const [jobs, blobs] = [await createNatsKvJobStore(nc), await createNatsObjectBlobStore(nc)];
      const { publisher, lifecycle } = createPipelineDeps({ service: "window-test", nc, stores: { jobs, blobs }, logger: silentLogger() });
      const engine = createOpenAiEngine({ apiKey: fake.apiKey, baseURL: fake.baseURL, model: "whisper-1", timeoutMs: 10_000, maxUploadBytes: 25 * 2 ** 20 });
      const handler = transcribeHandler({ blobs, publisher, lifecycle, engines: createEngineRegistry([engine], "openai") });
      const wav = await makeSilenceWav(join(dir, "one-second.wav"), 1);

      /** A job as ingest leaves it: chunk audio stored, the plan and window recorded, the first window queued. */
      const ingested = async (count: number): Promise<Job> => {
        const plan = Array.from({ length: count }, (_, i): [number, number] => [i, i + 1]);
        const job = sampleJob("same-owner", {
          status: "processing",
          progress: 0.1,
          stages: { ingest: { status: "done" } },
          chunks: { count, done: [], window: WINDOW, plan },
        });
        await jobs.createJob(job);
        for (let i = 0; i < count; i++) await uploadFile(blobs, BlobKeys.chunkAudio(job.id, i), wav);
        for (let i = 0; i < Math.min(WINDOW, count); i++) {
          await publisher.command(
            "transcribe",
            "interactive",
            { v: 1, jobId: job.id, userId: job.userId, chunk: { index: i, count, startSec: i, endSec: i + 1 } },
            `transcribe:${job.id}:${i}`,
          );
        }
        return job;
      };

      const long = await ingested(12);
      const order: string[] = [];
      let longStarted!: () => void;
      const started = new Promise<void>((r) => (longStarted = r));
      let short: Job | undefined;
      let shortDone!: () => void;
      const shortFinished = new Promise<void>((r) => (shortDone = r));
      const worker = createWorker({
        js,
        jsm,
        stage: "transcribe",
        service: "transcriber",
        logger: silentLogger(),
        concurrency: 1,
        ackWaitMs: 10_000,
        maxDeliver: 3,
        deadlineMs: 10_000,
        handler: async (msg: Command<"transcribe">, ctx) => {
          order.push(`${msg.jobId === long.id ? "long" : "short"}:${msg.chunk.index}`);
          longStarted();
          await handler(msg, ctx);
          if (msg.jobId === short?.id) shortDone();
        },
      });
      await worker.start();
      try {
        await started;
        short = await ingested(1);
        await shortFinished;
        const shortAt = order.indexOf("short:0");
        // Ahead of it: the chunk running when it was queued, plus at most a window of the long job.
        expect(shortAt).toBeLessThanOrEqual(1 + WINDOW);
        expect(order.filter((o) => o.startsWith("long")).length).toBeLessThan(12);

        const end = Date.now() + 30_000;
        let final: Job | null = null;
        while (Date.now() < end && (final = await jobs.getJob({ userId: long.userId, jobId: long.id }))?.stages.transcribe?.status !== "done") {
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(final?.chunks?.done).toEqual(Array.from({ length: 12 }, (_, i) => i));
        expect(order.filter((o) => o.startsWith("long"))).toEqual(Array.from({ length: 12 }, (_, i) => `long:${i}`)); // each queued once, in order
        expect(fake.requests).toHaveLength(13);
      } finally {
        await worker.stop(2000);
      }
    } finally {
      await nc.close();
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
