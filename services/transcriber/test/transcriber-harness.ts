import { takeCommands } from "@mp4t/pipeline/testing";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobKeys, DiarizeCommand, type Job, type TranscribeCommand } from "@mp4t/contracts";
import { ensureConsumer, ensureTopology } from "@mp4t/messaging/internal";
import type { HandlerContext } from "@mp4t/messaging";
import { createNatsKvJobStore, createNatsObjectBlobStore, uploadFile, type BlobStore, type JobStore } from "@mp4t/stores";
import { createPipelineDeps, type JobLifecycle } from "@mp4t/pipeline";
import { sampleJob } from "@mp4t/stores/conformance";
import { silentLogger, startNats, type NatsServer } from "@mp4t/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { createPocketsphinxEngine } from "../src/adapters/pocketsphinx.adapter.ts";
import { createEngineRegistry } from "../src/engine.registry.ts";
import { transcribeHandler } from "../src/handlers/transcribe.handler.ts";
import type { TranscriptionEngine } from "../src/ports.ts";

export type ChunkFile = { path: string; durationSec: number };
export type Ref = { userId: string; jobId: string };

export type Harness = {
  jobs: JobStore;
  blobs: BlobStore;
  lifecycle: JobLifecycle;
  mediaDir: string;
  /** How many times the real engine has run. */
  engineRuns(): number;
  /** A job ingest has finished with: one chunk blob per file, laid end to end. */
  newChunkedJob(files: ChunkFile[], over?: Partial<Job>): Promise<{ ref: Ref; commands: TranscribeCommand[] }>;
  transcribe(cmd: TranscribeCommand, signal?: AbortSignal): Promise<void>;
  /** Acks and returns every diarize command now in the high lane. */
  takeDiarizeCommands(): Promise<DiarizeCommand[]>;
  scratchLeft(): Promise<string[]>;
  close(): Promise<void>;
};

const ctxFor = (signal: AbortSignal): HandlerContext => ({
  deliveryCount: 1,
  signal,
  logger: silentLogger("transcriber-test"),
  working: () => undefined,
});

/** Counts runs of the real engine, so a test can tell a skipped redelivery from a repeated one. */
function counted(engine: TranscriptionEngine, onRun: () => void): TranscriptionEngine {
  return { ...engine, transcribe: (wav, opts) => (onRun(), engine.transcribe(wav, opts)) };
}

/** A real nats-server with the lanes, real stores, publisher and pocketsphinx: everything but the runner. */
export async function startHarness(): Promise<Harness> {
  const mediaDir = await mkdtemp(join(tmpdir(), "mp4t-transcriber-media-"));
  const scratchRoot = await mkdtemp(join(tmpdir(), "mp4t-transcriber-scratch-"));
  let nats: NatsServer | undefined;
  let nc: NatsConnection | undefined;
  try {
    nats = await startNats();
    nc = await nats.connect();
    // os.tmpdir() reads TMPDIR on every call; each test file runs in its own process.
    process.env.TMPDIR = scratchRoot;
    const jsm = await jetstreamManager(nc);
    await ensureTopology(jsm);
    const { stream, name } = await ensureConsumer(jsm, "diarize", { ackWaitMs: 30_000 });
    const jobs = await createNatsKvJobStore(nc);
    const blobs = await createNatsObjectBlobStore(nc);
    const { publisher, lifecycle } = createPipelineDeps({ service: "transcriber-test", nc, stores: { jobs, blobs }, logger: silentLogger() });
    let runs = 0;
    const engine = counted(createPocketsphinxEngine({ bin: "pocketsphinx_continuous" }), () => runs++);
    const handler = transcribeHandler({ blobs, publisher, lifecycle, engines: createEngineRegistry([engine], "pocketsphinx") });
    const openNc = nc;
    const openNats = nats;
    let n = 0;
    return {
      jobs,
      blobs,
      lifecycle,
      mediaDir,
      engineRuns: () => runs,
      async newChunkedJob(files, over = {}) {
        const job = sampleJob(`user-${++n}`, {
          status: "processing",
          progress: 0.1,
          stages: { ingest: { status: "done" } },
          chunks: { count: files.length, done: [] },
          ...over,
        });
        await jobs.createJob(job);
        const commands: TranscribeCommand[] = [];
        let at = 0;
        for (const [index, f] of files.entries()) {
          await uploadFile(blobs, BlobKeys.chunkAudio(job.id, index), f.path);
          const startSec = Math.round(at * 1000) / 1000;
          at += f.durationSec;
          const endSec = Math.round(at * 1000) / 1000;
          commands.push({ v: 1, jobId: job.id, userId: job.userId, chunk: { index, count: files.length, startSec, endSec } });
        }
        return { ref: { userId: job.userId, jobId: job.id }, commands };
      },
      transcribe: (cmd, signal = new AbortController().signal) => handler(cmd, ctxFor(signal)),
      takeDiarizeCommands: () => takeCommands(openNc, stream, name, DiarizeCommand),
      scratchLeft: () => readdir(scratchRoot),
      async close() {
        await openNc.close();
        await openNats[Symbol.asyncDispose]();
        await rm(mediaDir, { recursive: true, force: true });
        await rm(scratchRoot, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await nc?.close();
    await nats?.[Symbol.asyncDispose]();
    throw err;
  }
}
