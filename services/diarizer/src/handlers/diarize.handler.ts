import { BlobKeys, ChunkResult, Transcript, findUnsupportedOption, messageId, runMsgId, type Command, type Job, type Word } from "@mp4t/contracts";
import { PermanentError, RetryableError } from "@mp4t/contracts";
import type { HandlerContext } from "@mp4t/messaging";
import { spareArray } from "@mp4t/runtime";
import { getJson, putJson } from "@mp4t/stores";
import { optionUnsupportedError, rejectJob, type PipelineDeps } from "@mp4t/pipeline";
import { buildSegments, speakersOf, stitchChunks } from "@mp4t/transcript";
import { assignSpeakers, nameSpeakers } from "../diarization/assign-speakers.ts";
import { inlineRunner, type DiarizeRunner } from "../diarization/diarize-thread.ts";
import { hasProviderSpeakers, qualify } from "../diarization/link-speakers.ts";
import { decodeWav, type Audio } from "../diarization/wav.ts";

type Deps = Pick<PipelineDeps, "blobs" | "publisher" | "lifecycle" | "logger">;

/** Every chunk's result; a missing one is worth another try (a slow replica). */
async function loadResults(blobs: Deps["blobs"], job: Job): Promise<ChunkResult[]> {
  const count = job.chunks?.count;
  if (count === undefined) throw new PermanentError("INTERNAL", "the job has no chunk plan; ingest did not finish");
  const results = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const r = await getJson(blobs, BlobKeys.chunkResult(job.id, i), ChunkResult);
      if (!r) throw new RetryableError("INTERNAL", `chunk ${i} of ${count} has no result yet`);
      return r;
    }),
  );
  return results;
}

/**
 * The job's audio as read (1.9 MB a minute) and decoded (3.8 MB), kept for recordings up to a
 * minute. The samples are in shared memory: the all-in-one process's diarizer thread reads them
 * where they are (diarize-thread.ts), where it was posted a fresh copy of them each job.
 */
const SPARE_MAX_SAMPLES = 60 * 16_000;
const samplesSpare = spareArray<Float32Array>(Float32Array, SPARE_MAX_SAMPLES, { shared: true });
const bytesSpare = spareArray<Uint8Array>(Uint8Array, 2 * SPARE_MAX_SAMPLES + 4096);

/** Reads the job's audio, diarizes it and labels the words. */
async function labelSpeakers(
  deps: Deps,
  job: Job,
  words: Word[],
  opts: { maxSpeakers?: number; provider: boolean; runner: DiarizeRunner },
  ctx?: HandlerContext,
): Promise<{ words: Word[]; audioSec: number }> {
  // Held in memory once (about 2 MB a minute at 16 kHz): no scratch file to write and read back.
  const bytes = await deps.blobs.getBytes(BlobKeys.audio(job.id), bytesSpare.borrow);
  if (!bytes) throw new PermanentError("INTERNAL", "the job's extracted audio is missing");
  let audio: Audio;
  try {
    audio = decodeWav(bytes, samplesSpare.borrow);
  } finally {
    bytesSpare.give(bytes); // decoded into the samples: the bytes are free again
  }
  try {
    return await diarizeAudio(deps, job, words, audio, opts, ctx);
  } finally {
    samplesSpare.give(audio.samples); // the results hold numbers only: the samples are free again
  }
}

async function diarizeAudio(
  deps: Deps,
  job: Job,
  words: Word[],
  audio: Audio,
  opts: { maxSpeakers?: number; provider: boolean; runner: DiarizeRunner },
  ctx?: HandlerContext,
): Promise<{ words: Word[]; audioSec: number }> {
  const audioSec = audio.samples.length / audio.sampleRate;
  const { speakers, minSpeakers } = job.options;
  // The job's own bound wins; the service's is the default for jobs that give none.
  const maxSpeakers = job.options.maxSpeakers ?? opts.maxSpeakers;
  const options = {
    ...(speakers ? { speakers } : {}),
    ...(minSpeakers ? { minSpeakers } : {}),
    ...(maxSpeakers ? { maxSpeakers: Math.max(maxSpeakers, minSpeakers ?? 1) } : {}),
    yield: () =>
      new Promise<void>((resolve) => {
        ctx?.working();
        setImmediate(resolve);
      }),
  };
  if (opts.provider) return { words: await opts.runner.linkProviderSpeakers(audio, words, options), audioSec };
  // Word times go in so that every word is given to one speaker whole.
  const result = await opts.runner.diarize(audio, { ...options, words });
  deps.logger.debug({ jobId: job.id, speakers: result.speakers, windows: result.windows }, "diarized");
  return { words: result.words ? nameSpeakers(words, result.words) : assignSpeakers(words, result.turns), audioSec };
}

/**
 * The wire stage `diarize`, shown on the job as `assemble` then `diarize`: stitch the chunk
 * transcripts, label who spoke each word (only when the job asks; else `diarize` shows skipped),
 * group words into segments, store the result for the enhancer and hand the job on. Idempotent: a
 * redelivery after the result was stored only re-publishes, which Nats-Msg-Id deduplicates.
 */
export function diarizeHandler(deps: Deps, opts: { maxSpeakers?: number; speakersLimit?: number; runner?: DiarizeRunner } = {}) {
  return async (msg: Command<"diarize">, ctx?: HandlerContext) => {
    const ref = { userId: msg.userId, jobId: msg.jobId };
    const job = await deps.lifecycle.stageStarted(ref, "assemble");
    if (!job) return;
    // Checked at upload against every replica; this replica's limit may be lower.
    const unsupported =
      opts.speakersLimit === undefined ? undefined : findUnsupportedOption(job.options, { diarization: { available: true, maxSpeakers: opts.speakersLimit } });
    if (unsupported)
      return rejectJob(deps, ref, optionUnsupportedError(unsupported), { stage: "assemble", cleanup: "failed", logger: ctx?.logger ?? deps.logger });
    const stored = job.stages.assemble?.status === "done" && (await deps.blobs.stat(BlobKeys.diarized(job.id)));
    if (!stored) {
      const results = await loadResults(deps.blobs, job);
      // Speakers from the engine (chunk-qualified) are kept and linked across chunks, not recomputed.
      const provider = hasProviderSpeakers(results);
      const stitched = stitchChunks(provider ? qualify(results) : results);
      const labelled =
        job.options.diarize && stitched.length > 0
          ? await labelSpeakers(deps, job, stitched, { ...opts, provider, runner: opts.runner ?? inlineRunner }, ctx)
          : { words: stitched.map(({ speaker: _, ...w }) => w), audioSec: 0 };
      const segments = buildSegments(labelled.words);
      const lastWord = stitched.at(-1)?.end ?? 0;
      const diarized = Transcript.parse({
        language: job.options.language,
        durationSec: job.media?.durationSec ?? Math.max(lastWord, labelled.audioSec),
        text: segments.map((s) => s.text).join(" "),
        speakers: speakersOf(segments),
        segments,
        enhancements: {},
      });
      await putJson(deps.blobs, BlobKeys.diarized(job.id), diarized);
      // Assembled, and diarized or (not asked for) skipped: the job shows which.
      if (!(await deps.lifecycle.assembled(ref, job.options.diarize))) return;
    }
    const enhance = { v: 1 as const, ...ref };
    await deps.publisher.command("enhance", job.options.class, enhance, runMsgId(messageId("enhance", enhance), job.attempts));
  };
}
