/**
 * Fair share between one user's jobs: a long (chained) job's chunk queues the next as it starts
 * while a slot is free, else as it ends, so the long job alone fills every slot while its owner's
 * short job, submitted while the long one runs, takes the next free slot (at most one long chunk
 * before it) instead of waiting behind a batch of them. Real nats-server, stores, worker runner and handler; the engine is the
 * OpenAI-compatible adapter against the local fake (a paid API's stand-in).
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

const SLOTS = 2;

describe("windowed chunks", () => {
  it("starts a user's short job after at most one more chunk of their long job, which alone fills every slot and still completes", async () => {
    await using nats = await startNats();
    const fake = await startFakeOpenAi({ transcript: "one two three", latencyMs: 200 });
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

      /** A job as ingest leaves it: chunk audio stored, the plan recorded; a long one windowed (its first chunk queued), a short one queued whole. */
      const ingested = async (count: number, window?: number): Promise<Job> => {
        const plan = Array.from({ length: count }, (_, i): [number, number] => [i, i + 1]);
        const job = sampleJob("same-owner", {
          status: "processing",
          progress: 0.1,
          stages: { ingest: { status: "done" } },
          chunks: { count, done: [], ...(window ? { window } : {}), plan },
        });
        await jobs.createJob(job);
        for (let i = 0; i < count; i++) await uploadFile(blobs, BlobKeys.chunkAudio(job.id, i), wav);
        for (let i = 0; i < Math.min(window ?? count, count); i++) {
          await publisher.command(
            "transcribe",
            "interactive",
            { v: 1, jobId: job.id, userId: job.userId, chunk: { index: i, count, startSec: i, endSec: i + 1 } },
            `transcribe:${job.id}:${i}`,
          );
        }
        return job;
      };

      const long = await ingested(12, 1);
      const order: string[] = [];
      let running = 0;
      let widest = 0;
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
        concurrency: SLOTS,
        ackWaitMs: 10_000,
        maxDeliver: 3,
        deadlineMs: 10_000,
        handler: async (msg: Command<"transcribe">, ctx) => {
          order.push(`${msg.jobId === long.id ? "long" : "short"}:${msg.chunk.index}`);
          if (msg.jobId === long.id && short === undefined) widest = Math.max(widest, ++running);
          if (order.length >= SLOTS) longStarted();
          try {
            await handler(msg, ctx);
          } finally {
            if (msg.jobId === long.id && short === undefined) running--;
          }
          if (msg.jobId === short?.id && msg.chunk.index === 1) shortDone();
        },
      });
      await worker.start();
      try {
        await started;
        expect(widest).toBe(SLOTS); // the long job alone ran a chunk in each slot
        short = await ingested(2);
        const queuedAt = order.length;
        await shortFinished;
        const between = order.slice(queuedAt, order.indexOf("short:0"));
        // Between the short job's queueing and its first chunk: at most one of the long job's (one
        // that a long chunk queued as it started while a slot was free; with the slots full, a long
        // chunk queues its next as it ends, behind the short job).
        expect(between.length).toBeLessThanOrEqual(1);
        expect(between.every((o) => o.startsWith("long"))).toBe(true);
        // Its second chunk is queued ahead of the long job's next one too (one may start beside it: two slots pull at once).
        expect(order.slice(order.indexOf("short:0"), order.indexOf("short:1")).filter((o) => o.startsWith("long")).length).toBeLessThanOrEqual(1);
        expect(order.filter((o) => o.startsWith("long")).length).toBeLessThan(12);

        const end = Date.now() + 30_000;
        let final: Job | null = null;
        while (Date.now() < end && (final = await jobs.getJob({ userId: long.userId, jobId: long.id }))?.stages.transcribe?.status !== "done") {
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(final?.chunks?.done).toEqual(Array.from({ length: 12 }, (_, i) => i));
        // Each chunk's slot time is recorded with it: at least the engine's 200 ms a request.
        expect(final?.chunks?.busySec).toBeGreaterThanOrEqual(12 * 0.2);
        expect(order.filter((o) => o.startsWith("long"))).toEqual(Array.from({ length: 12 }, (_, i) => `long:${i}`)); // each queued once, in order
        expect(fake.requests).toHaveLength(14);
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
