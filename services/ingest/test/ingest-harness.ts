import { takeCommands } from "@mp4t/pipeline/testing";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CleanupCommand, TranscribeCommand, type Job } from "@mp4t/contracts";
import { DEFAULT_MEDIA_IDENTITY } from "@mp4t/runtime";
import { ensureConsumer, ensureTopology } from "@mp4t/messaging/internal";
import type { HandlerContext } from "@mp4t/messaging";
import { createFileBlobStore, createNatsKvJobStore, createNatsObjectBlobStore, uploadFile, type BlobStore, type JobStore } from "@mp4t/stores";
import { createPipelineDeps, type JobLifecycle } from "@mp4t/pipeline";
import { sampleJob } from "@mp4t/stores/conformance";
import { silentLogger, startNats, type NatsServer } from "@mp4t/testing";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { IngestSettings } from "../src/config.ts";
import { decodeMedia } from "../src/adapters/ffmpeg.adapter.ts";
import { ingestHandler } from "../src/handlers/ingest.handler.ts";
import { parseListing } from "../src/media-info.parser.ts";
import { PCM_16K_MONO } from "../src/wav-header.writer.ts";

export const SETTINGS: IngestSettings = {
  maxDurationSec: 3600,
  chunkMaxSec: 30,
  chunkSearchSec: 5,
  chunkMinTailSec: 30,
  ffmpeg: { ffmpegBin: "ffmpeg", probeTimeoutMs: 30_000, runAs: DEFAULT_MEDIA_IDENTITY },
};

/**
 * `input` through one ffmpeg run (`decodeMedia`, at most 60 s, listing checked as ingest does),
 * outside the handler, its PCM written to `output`: the error (an Error "accepted" when it passed).
 */
export async function decodeOnce(input: string, output: string, settings: IngestSettings["ffmpeg"] = SETTINGS.ffmpeg) {
  await writeFile(output, Buffer.alloc(44));
  const err = await decodeMedia({
    input,
    output,
    offset: 44,
    format: PCM_16K_MONO,
    maxSec: 60,
    settings,
    signal: new AbortController().signal,
    inspect: (listing) => parseListing(listing, { maxDurationSec: 60 }),
    onPcm: () => undefined,
  }).then(
    () => new Error("accepted"),
    (e: unknown) => e as Error,
  );
  return { err };
}

export type Harness = {
  nc: NatsConnection;
  jobs: JobStore;
  blobs: BlobStore;
  lifecycle: JobLifecycle;
  /** Where test media is made; outside the scratch root. */
  mediaDir: string;
  /** TMPDIR for the handler, so a test can see that scratch directories are removed. */
  scratchRoot: string;
  newJob(uploadPath: string, over?: Partial<Job>): Promise<{ userId: string; jobId: string }>;
  ingest(ref: { userId: string; jobId: string }, settings?: Partial<IngestSettings>, signal?: AbortSignal): Promise<void>;
  /** Acks and returns every transcribe command now in the high lane. */
  takeTranscribeCommands(): Promise<TranscribeCommand[]>;
  /** Acks and returns every cleanup command now in the low lane. */
  takeCleanupCommands(): Promise<CleanupCommand[]>;
  scratchLeft(): Promise<string[]>;
  close(): Promise<void>;
};

export const ctxFor = (signal = new AbortController().signal): HandlerContext => ({
  deliveryCount: 1,
  signal,
  logger: silentLogger("ingest-test"),
  working: () => undefined,
});

/**
 * A real nats-server with the lanes, real stores and publisher: everything but the runner. The
 * blobs in the NATS Object Store, or (`blobs: "file"`, npm start's default) in a directory.
 */
export async function startHarness(o: { blobs?: "nats" | "file" } = {}): Promise<Harness & { blobDir?: string }> {
  const mediaDir = await mkdtemp(join(tmpdir(), "mp4t-ingest-media-"));
  // Beside the scratch root, not in it (TMPDIR moves there below): on the same disk, as DATA_DIR usually is.
  const blobDir = o.blobs === "file" ? await mkdtemp(join(tmpdir(), "mp4t-ingest-blobs-")) : undefined;
  const scratchRoot = await mkdtemp(join(tmpdir(), "mp4t-ingest-scratch-"));
  let nats: NatsServer | undefined;
  let nc: NatsConnection | undefined;
  try {
    nats = await startNats();
    nc = await nats.connect();
    // os.tmpdir() reads TMPDIR on every call; each test file runs in its own process.
    process.env.TMPDIR = scratchRoot;
    const jsm: JetStreamManager = await jetstreamManager(nc);
    await ensureTopology(jsm);
    const { stream, name } = await ensureConsumer(jsm, "transcribe", { ackWaitMs: 30_000 });
    const cleanup = await ensureConsumer(jsm, "cleanup", { ackWaitMs: 30_000 });
    const jobs = await createNatsKvJobStore(nc);
    const blobs = blobDir ? await createFileBlobStore({ dir: blobDir }) : await createNatsObjectBlobStore(nc);
    const { publisher, lifecycle } = createPipelineDeps({ service: "ingest-test", nc, stores: { jobs, blobs }, logger: silentLogger() });
    const openNc = nc;
    const openNats = nats;
    let n = 0;
    return {
      nc,
      jobs,
      blobs,
      ...(blobDir ? { blobDir } : {}),
      lifecycle,
      mediaDir,
      scratchRoot,
      async newJob(uploadPath, over = {}) {
        const job = sampleJob(`user-${++n}`, over);
        await jobs.createJob(job);
        await uploadFile(blobs, `jobs/${job.id}/upload`, uploadPath);
        return { userId: job.userId, jobId: job.id };
      },
      ingest(ref, settings = {}, signal) {
        const handler = ingestHandler({ blobs, publisher, lifecycle, settings: { ...SETTINGS, ...settings } });
        return handler({ v: 1, ...ref }, ctxFor(signal));
      },
      takeTranscribeCommands: () => takeCommands(openNc, stream, name, TranscribeCommand),
      takeCleanupCommands: () => takeCommands(openNc, cleanup.stream, cleanup.name, CleanupCommand),
      scratchLeft: () => readdir(scratchRoot),
      async close() {
        await openNc.close();
        await openNats[Symbol.asyncDispose]();
        await rm(mediaDir, { recursive: true, force: true });
        await rm(scratchRoot, { recursive: true, force: true });
        if (blobDir) await rm(blobDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await nc?.close();
    await nats?.[Symbol.asyncDispose]();
    throw err;
  }
}
