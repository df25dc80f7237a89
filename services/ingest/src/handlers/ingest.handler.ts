import { closeSync, mkdtempSync, openSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobKeys, isDiskFull, isUserMistake, messageId, runMsgId, type Command, type MediaInfo } from "@mp4t/contracts";
import { PermanentError, RetryableError } from "@mp4t/contracts";
import { watchJobEnd, type HandlerContext } from "@mp4t/messaging";
import { spareArray } from "@mp4t/runtime";
import { copyBlob, downloadToFile, uploadFile } from "@mp4t/stores";
import { rejectJob, type PipelineDeps } from "@mp4t/pipeline";
import { decodeMedia } from "../adapters/ffmpeg.adapter.ts";
import { createWavPlaceholder, finishWavHeader, readWavSlice } from "../adapters/wav-file.adapter.ts";
import { createEnergyMeter, meterFinish, meterPush, planChunks, type PlannedChunk } from "../chunk.planner.ts";
import type { IngestSettings } from "../config.ts";
import { parseListing, type ProbedMedia } from "../media-info.parser.ts";
import { PCM_16K_MONO, WAV_HEADER_BYTES } from "../wav-header.writer.ts";

/** `events`, when given, lets a cancel stop ffmpeg mid-run (the job's events are watched). */
export type IngestDeps = Pick<PipelineDeps, "blobs" | "publisher" | "lifecycle"> & Partial<Pick<PipelineDeps, "events">> & { settings: IngestSettings };

const FORMAT = PCM_16K_MONO;
/**
 * The step of a long job's chain (`Job.chunks.window`): its first chunk is queued here, and each
 * chunk queues the next (as it starts while a slot is free, else as it ends; see the transcriber).
 */
const CHAINED_AHEAD = 1;
const BYTES_PER_SAMPLE = FORMAT.bitsPerSample / 8;
const FRAME_SAMPLES = Math.round(FORMAT.sampleRate * 0.02); // 20 ms energy frames

/**
 * ingest: probe and validate the upload, extract 16 kHz mono audio, plan chunks on quiet
 * points, store audio and chunks, record the media and plan, fan out one transcribe per chunk.
 * Deterministic from the upload, so a redelivery rewrites the same blobs and republishes the
 * same message ids (dropped by JetStream's dedup window).
 */
export function ingestHandler(deps: IngestDeps) {
  const { settings } = deps;
  return async (msg: Command<"ingest">, ctx: HandlerContext) => {
    const ref = { userId: msg.userId, jobId: msg.jobId };
    // Watching before the stage starts: a cancel (or DELETE) right after it is seen, and this run
    // stops writing blobs the janitor's purge would not find.
    const watch = watchJobEnd(deps.events, msg.jobId, ctx.signal);
    const signal = watch.signal;
    let dir: string | undefined;
    // What this run stored: if the job is canceled or deleted while it runs, a write that finished
    // after the janitor's purge is removed here, by its writer, instead of outliving the job. Not
    // for a job that failed: it may be retried, and a new run may have written the same keys.
    const written: string[] = [];
    const undo = async () => {
      if (!watch.purged() || !written.length) return;
      await deps.blobs.deleteMany(written.splice(0)).catch((err: unknown) => ctx.logger.warn({ err }, "ingest: undoing writes of an ended job failed"));
    };
    try {
      await watch.ready;
      const job = await deps.lifecycle.stageStarted(ref, "ingest");
      if (!job) return; // canceled or failed meanwhile
      dir = mkdtempSync(join(tmpdir(), "mp4t-"));
      const upload = join(dir, "upload");
      if (!(await downloadToFile(deps.blobs, BlobKeys.upload(msg.jobId), upload))) {
        throw new PermanentError("INTERNAL", "the upload is missing from the blob store"); // ours, not the user's
      }
      const audio = join(dir, "audio.wav");
      let media: MediaInfo;
      let probed: ProbedMedia;
      let samples: number;
      let energies: Float64Array;
      let pcmBytes: number;
      try {
        ({ probed, samples, energies, pcmBytes } = await extractAudio(upload, job.options.audioTrack, audio, settings, signal));
        media = checkDecoded(probed, samples / FORMAT.sampleRate, settings.maxDurationSec);
      } catch (err) {
        if (!isRejection(err) || watch.ended()) throw err;
        return await rejectJob(deps, ref, err, { stage: "ingest", cleanup: "rejected", logger: ctx.logger });
      }
      signal.throwIfAborted();
      const chunks = planChunks(energies, samples, {
        sampleRate: FORMAT.sampleRate,
        frameSamples: FRAME_SAMPLES,
        maxChunkSec: settings.chunkMaxSec,
        searchSec: settings.chunkSearchSec,
        minTailSec: settings.chunkMinTailSec,
      });
      // A job of one chunk whose chunk is all of the audio (up to CHUNK_MIN_TAIL_SEC, 10 s by default):
      // the chunk's WAV is the audio's, byte for byte; a store that links (files) gives it a second
      // name instead of a second copy. Elsewhere each chunk is cut and stored.
      const whole =
        deps.blobs.copy !== undefined && chunks.length === 1 && chunks[0]!.startSample === 0 && chunks[0]!.endSample * BYTES_PER_SAMPLE === pcmBytes;
      if (!whole) await storeChunks(deps, msg.jobId, audio, chunks, signal, ctx, written);
      signal.throwIfAborted();
      // Given away: the store renames the file into place when it shares the disk (no copy).
      written.push(BlobKeys.audio(msg.jobId));
      await uploadFile(deps.blobs, BlobKeys.audio(msg.jobId), audio, "audio/wav", { move: true });
      if (whole) {
        written.push(BlobKeys.chunkAudio(msg.jobId, 0));
        if (!(await copyBlob(deps.blobs, BlobKeys.audio(msg.jobId), BlobKeys.chunkAudio(msg.jobId, 0)))) {
          throw new RetryableError("INTERNAL", "the job's audio vanished from the blob store before its chunk was linked");
        }
      }
      signal.throwIfAborted(); // ended while the last write ran: undone below
      ctx.working();

      // Up to TRANSCRIBE_WINDOW chunks are queued at once; a longer job is chained from its first.
      const window = settings.transcribeWindow && chunks.length > settings.transcribeWindow ? CHAINED_AHEAD : undefined;
      // The plan is kept on the job: the transcriber queues the next chunk from it and the reaper resumes missing ones.
      const plan = { ...(window ? { window } : {}), plan: chunks.map((c): [number, number] => [round3(c.startSec), round3(c.endSec)]) };
      const done = await deps.lifecycle.stageDone(ref, "ingest", {
        media,
        chunks: { count: chunks.length, done: [], ...plan },
        ...(probed.notices.length ? { notices: probed.notices } : {}),
      });
      if (!done) return;
      // Windowed: the first chunks not yet done (a re-drive resumes); the transcriber queues the rest.
      const finished = new Set(done.chunks?.done ?? []);
      const first = window ? chunks.filter((c) => !finished.has(c.index)).slice(0, window) : chunks;
      for (const c of first) {
        const cmd = transcribeCommand(msg, c, chunks.length);
        await deps.publisher.command("transcribe", done.options.class, cmd, runMsgId(messageId("transcribe", cmd), done.attempts));
      }
    } catch (err) {
      if (!watch.ended()) throw err;
      await undo(); // canceled, deleted (or failed elsewhere) mid-run: stop, publish nothing, leave nothing
    } finally {
      watch[Symbol.dispose]();
      if (dir) await rm(dir, { recursive: true, force: true }); // in the pool: it holds a copy of the upload
    }
  };
}

/**
 * The buffer chunks are cut into, kept from job to job for chunks up to 60 s (the default
 * CHUNK_MAX_SEC, as the transcriber keeps its own; fresh memory is a page fault per 4 KiB:
 * `spareArray`). A second job at once, or a longer chunk, gets its own.
 */
const chunkScratch = spareArray<Uint8Array>(Uint8Array, WAV_HEADER_BYTES + 60 * FORMAT.sampleRate * BYTES_PER_SAMPLE);

/** Each chunk's WAV cut from the job's audio file and stored, through one buffer (each put is done with it before the next cut). */
async function storeChunks(
  deps: IngestDeps,
  jobId: string,
  audio: string,
  chunks: PlannedChunk[],
  signal: AbortSignal,
  ctx: HandlerContext,
  written: string[],
) {
  const scratch = chunkScratch.borrow(WAV_HEADER_BYTES + Math.max(0, ...chunks.map((c) => (c.endSample - c.startSample) * BYTES_PER_SAMPLE)));
  const fd = openSync(audio, "r");
  try {
    for (const c of chunks) {
      signal.throwIfAborted();
      const wav = await readWavSlice(fd, { start: c.startSample * BYTES_PER_SAMPLE, end: c.endSample * BYTES_PER_SAMPLE }, FORMAT, scratch);
      written.push(BlobKeys.chunkAudio(jobId, c.index));
      await deps.blobs.put(BlobKeys.chunkAudio(jobId, c.index), wav, { contentType: "audio/wav" });
      ctx.working();
    }
  } finally {
    closeSync(fd);
  }
  // Given back only after every put succeeded: a put that failed part-way (an S3 request cut by
  // a timeout, say) might still be sending from it, so then it is dropped, not reused.
  chunkScratch.give(scratch);
}

/**
 * What the upload itself is to blame for (contracts' user-mistake codes): the job fails with the
 * code, nothing is dead-lettered, and the janitor's `rejected` cleanup deletes its blobs now rather
 * than at retention. A probe timeout may be the machine's fault: STAGE_TIMEOUT, the runner's path
 * (dead letter, re-drive).
 */
/** The user's mistake, unless a full disk lies under it (that is the machine's: the runner retries it). */
const isRejection = (err: unknown): err is PermanentError => err instanceof PermanentError && isUserMistake(err.code) && !isDiskFull(err);

/**
 * The shape of every decode: PCM after the WAV header's room, at most a second past the duration
 * limit (enough to tell "too long" from "exactly at the limit"). Ingest's start check runs the
 * tools under the file-size limit this shape makes.
 */
export const decodeShape = (settings: Pick<IngestSettings, "maxDurationSec">) => ({
  offset: WAV_HEADER_BYTES,
  format: FORMAT,
  maxSec: settings.maxDurationSec + 1,
});

/** The upload listed (and checked: `parseListing`) and its audio decoded, in one ffmpeg run. */
async function extractAudio(input: string, audioTrack: number | undefined, output: string, settings: IngestSettings, signal: AbortSignal) {
  const meter = createEnergyMeter(FRAME_SAMPLES);
  await createWavPlaceholder(output);
  const { bytes, inspected: probed } = await decodeMedia({
    input,
    audioTrack,
    output,
    ...decodeShape(settings),
    settings: settings.ffmpeg,
    signal,
    inspect: (listing) => parseListing(listing, { maxDurationSec: settings.maxDurationSec, audioTrack }),
    onPcm: (b) => meterPush(meter, b),
  });
  const whole = bytes - (bytes % BYTES_PER_SAMPLE);
  await finishWavHeader(output, whole, FORMAT);
  const { energies, samples } = meterFinish(meter);
  return { probed, energies, samples, pcmBytes: bytes };
}

/** What the decoder produced must agree with what the probe promised. */
function checkDecoded(probed: ProbedMedia, decodedSec: number, maxDurationSec: number): MediaInfo {
  if (decodedSec > maxDurationSec) {
    throw new PermanentError("MEDIA_TOO_LONG", `the audio lasts over ${maxDurationSec} s, the limit`);
  }
  const promised = probed.audioDurationSec;
  if (promised !== undefined && promised > 1 && decodedSec < promised / 2) {
    throw new PermanentError(
      "MEDIA_UNREADABLE",
      `only ${decodedSec.toFixed(1)} s of ${promised.toFixed(1)} s of audio could be decoded; the file looks truncated`,
    );
  }
  return probed.durationKnown ? probed.info : { ...probed.info, durationSec: round3(decodedSec) };
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

function transcribeCommand(msg: Command<"ingest">, c: PlannedChunk, count: number): Command<"transcribe"> {
  return {
    v: 1,
    jobId: msg.jobId,
    userId: msg.userId,
    chunk: { index: c.index, count, startSec: round3(c.startSec), endSec: round3(c.endSec) },
  };
}
