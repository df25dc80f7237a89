import { BlobKeys, findUnsupportedOption, messageId, runMsgId, type ChunkResult, type Command, type Job, type Word } from "@mp4t/contracts";
import { observeEngineRun, spareArray } from "@mp4t/runtime";
import { RetryableError } from "@mp4t/contracts";
import { watchJobEnd, type HandlerContext } from "@mp4t/messaging";
import { putJson } from "@mp4t/stores";
import { optionUnsupportedError, rejectJob, type PipelineDeps } from "@mp4t/pipeline";
import { chunkWav } from "../chunk-wav.ts";
import type { EngineRegistry } from "../engine.registry.ts";
import type { TranscriptionEngine } from "../ports.ts";

/** `events`, when given, lets a cancel stop the engine mid-run (the job's events are watched). */
export type TranscribeDeps = Pick<PipelineDeps, "blobs" | "publisher" | "lifecycle"> & Partial<Pick<PipelineDeps, "events">> & { engines: EngineRegistry };

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * transcribe: one chunk through the job's engine, its words shifted to the whole recording and
 * stored; the chunk is then recorded done in one compare-and-set. Whoever sees every chunk done
 * marks the stage done and sends diarize (deduplicated by its message id). A redelivered chunk
 * whose result is stored is not transcribed again. A windowed job's chunk queues the job's next
 * chunk as it starts (see `queueNext`).
 */
export function transcribeHandler(deps: TranscribeDeps) {
  return async (msg: Command<"transcribe">, ctx: HandlerContext) => {
    const ref = { userId: msg.userId, jobId: msg.jobId };
    const began = performance.now(); // the slot's time on this chunk, for the queue estimator's pace
    // Watching before the stage starts: a cancel (or DELETE) right after it is seen, and this run
    // does not store a result the janitor's purge would not find.
    const watch = watchJobEnd(deps.events, msg.jobId, ctx.signal);
    let early = false;
    try {
      await watch.ready;
      const job = await deps.lifecycle.stageStarted(ref, "transcribe");
      if (!job) return; // canceled or failed meanwhile

      // The gateway checked the options against every replica; this replica's configuration may differ.
      const unsupported = findUnsupportedOption(job.options, { engines: deps.engines.capabilities() });
      if (unsupported) return await rejectJob(deps, ref, optionUnsupportedError(unsupported), { stage: "transcribe", cleanup: "failed", logger: ctx.logger });
      const engine = deps.engines.select(job.options.engine);
      const { language } = job.options;

      // A slot of this replica is free: the next chunk can start beside this one now; else it queues when this one ends.
      early = (ctx.spareSlots?.() ?? 1) > 0;
      if (early) await queueNext(deps, job, msg);
      const { chunk } = msg;
      const resultKey = BlobKeys.chunkResult(msg.jobId, chunk.index);
      const already = job.chunks?.done.includes(chunk.index) && (await deps.blobs.stat(resultKey)) !== null;
      if (!already) {
        const words = await transcribeChunk(deps, engine, msg, language, watch.signal);
        const result: ChunkResult = { index: chunk.index, startSec: chunk.startSec, endSec: chunk.endSec, engine: engine.name, words };
        if (watch.ended()) return; // canceled, deleted or failed while the engine ran: store nothing for the purge to miss
        await putJson(deps.blobs, resultKey, result);
        if (watch.ended()) {
          // Canceled or deleted while the result was being stored: the janitor's purge may already be
          // done, so the writer removes it. A failed job keeps it (a retry or re-drive may use it).
          if (watch.purged()) {
            await deps.blobs.delete(resultKey).catch((err: unknown) => ctx.logger.warn({ err }, "transcribe: removing the result of an ended job failed"));
          }
          return;
        }
        ctx.working();
      }
    } catch (err) {
      if (watch.ended()) return; // canceled (or failed elsewhere) mid-run: stop, publish nothing
      throw err;
    } finally {
      watch[Symbol.dispose]();
    }

    // Up to its result stored: this write itself, the ack and the next delivery are left out (a few ms).
    const recorded = await deps.lifecycle.chunkDone(ref, msg.chunk.index, (performance.now() - began) / 1000);
    if (!recorded) return;
    if (!early) await queueNext(deps, recorded.job, msg);
    if (!recorded.allDone) return;
    // The last chunk's write marked the stage done; only a job from an older release needs this.
    const done = recorded.job.stages.transcribe?.status === "done" ? recorded.job : await deps.lifecycle.stageDone(ref, "transcribe");
    if (!done) return;
    const diarize = { v: 1 as const, ...ref };
    await deps.publisher.command("diarize", done.options.class, diarize, runMsgId(messageId("diarize", diarize), done.attempts));
  };
}

/**
 * A windowed job (see `Job.chunks.window`): this chunk lets in the job's next chunk of its chain
 * (index + window, skipping those already done). Queued as the chunk starts while this replica has
 * a free slot: it is taken at once (here or by another replica), which queues one more, so a long
 * job alone fills every slot; once the slots are full, queued as the chunk ends instead, so the
 * long job keeps nothing waiting in its owner's queue and a short job of the same owner, queued
 * meanwhile, takes the next free slot (the long job's next chunk goes behind it). Sent on every
 * handling, replays included (its message id dedups it), so a crash before the chunk is recorded
 * loses nothing; a chunk already done skips the engine and still passes the turn on (a re-drive).
 */
async function queueNext(deps: Pick<TranscribeDeps, "publisher">, job: Job, msg: Command<"transcribe">) {
  const c = job.chunks;
  if (!c?.window) return;
  let next = msg.chunk.index + c.window;
  while (c.done.includes(next)) next += c.window;
  const span = c.plan?.[next];
  if (!span) return;
  const cmd = { v: 1 as const, jobId: msg.jobId, userId: msg.userId, chunk: { index: next, count: c.count, startSec: span[0], endSec: span[1] } };
  await deps.publisher.command("transcribe", job.options.class, cmd, runMsgId(messageId("transcribe", cmd), job.attempts));
}

/**
 * Chunks read into arrays kept from chunk to chunk (two, for the default two slots; chunks up to
 * 60 s of 16 kHz mono, the default CHUNK_MAX_SEC): each one fresh was about 56 page faults a
 * 225 KiB chunk (docs/architecture.md, "Seventeenth pass"). An engine settles only once it no
 * longer reads the bytes (`TranscriptionEngine.transcribe`).
 */
const chunkSpare = spareArray<Uint8Array>(Uint8Array, 2 * 60 * 16_000 + 4096, { keep: 2 });

async function transcribeChunk(
  deps: Pick<TranscribeDeps, "blobs">,
  engine: TranscriptionEngine,
  msg: Command<"transcribe">,
  language: string,
  signal: AbortSignal,
): Promise<Word[]> {
  // A chunk is at most CHUNK_MAX_SEC of 16 kHz mono (under 20 MB): read whole; a file only for an engine that reads one.
  const audio = await deps.blobs.getBytes(BlobKeys.chunkAudio(msg.jobId, msg.chunk.index), chunkSpare.borrow);
  if (!audio) throw new RetryableError("INTERNAL", `chunk ${msg.chunk.index} audio is missing from the blob store`);
  const wav = chunkWav(audio);
  try {
    signal.throwIfAborted();
    const started = performance.now();
    const words = await engine.transcribe(wav, { language, signal });
    observeEngineRun(engine.name, msg.chunk.endSec - msg.chunk.startSec, (performance.now() - started) / 1000);
    return shiftWords(words, msg.chunk.startSec, msg.chunk.endSec);
  } finally {
    await wav.dispose();
    chunkSpare.give(audio);
  }
}

/** Moves chunk-relative times onto the recording's timeline, kept inside the chunk. */
export function shiftWords(words: Word[], startSec: number, endSec: number): Word[] {
  const clamp = (t: number) => round3(Math.min(endSec, Math.max(startSec, startSec + t)));
  return words.map((w) => ({ ...w, start: clamp(w.start), end: clamp(w.end) }));
}
