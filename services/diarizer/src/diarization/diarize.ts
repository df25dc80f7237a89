import { averageLinkage, cutToCount, separation, silhouette, type Merge } from "./clustering.ts";
import { standardize, windowEmbeddings, type EmbeddingOptions, type Window } from "./embeddings.ts";
import { createMfccExtractor, type Features } from "./mfcc.ts";
import { medianSmooth, renumber } from "./smoothing.ts";
import { detectSpeech, type VadOptions } from "./vad.ts";
import type { Audio } from "./wav.ts";

/** Who spoke from `start` to `end` (seconds); speakers are 0-based, numbered by first appearance. */
export type Turn = { start: number; end: number; speaker: number };

export type DiarizeOptions = {
  /** The number of speakers when known; otherwise it is estimated. */
  speakers?: number;
  maxSpeakers?: number;
  /** Clusters less separated than this Fisher ratio are one speaker (see `separation`). */
  minSeparation?: number;
  smoothingWidth?: number;
  vad?: VadOptions;
  embedding?: EmbeddingOptions;
  /** Called between slices of work so a long recording does not block the event loop. */
  yield?: () => Promise<void>;
};

export type Diarization = { turns: Turn[]; speakers: number; windows: number };

const SLICE_FRAMES = 4000;

/**
 * Picks the labels: the requested count, or else the cut whose clusters are all separable (see
 * `separation`) and best separated (silhouette). Merging stops at the first count whose clusters
 * are all distinct voices; when no cut is, the recording is one speaker.
 */
function chooseLabels(raw: Float64Array[], vectors: Float64Array[], merges: Merge[], opts: DiarizeOptions): number[] {
  const n = vectors.length;
  if (opts.speakers) return cutToCount(n, merges, opts.speakers);
  // Tiny clusters (a cough, a laugh, a turn boundary) are not speakers.
  const minSize = Math.max(2, Math.ceil(n * 0.05));
  let best: { labels: number[]; score: number } | null = null;
  for (let k = 2; k <= Math.min(opts.maxSpeakers ?? 8, Math.floor(n / minSize)); k++) {
    const labels = cutToCount(n, merges, k);
    if (countsOf(labels, k).some((c) => c < minSize)) continue;
    if (separation(raw, labels) < (opts.minSeparation ?? 2.5)) continue;
    const score = silhouette(vectors, labels);
    if (!best || score > best.score) best = { labels, score };
  }
  return best?.labels ?? new Array<number>(n).fill(0);
}

function countsOf(labels: number[], k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const l of labels) c[l]!++;
  return c;
}

/** Speech frames take the label of the nearest window centre; contiguous frames become turns. */
function toTurns(speech: Uint8Array, windows: Window[], labels: number[], hopSec: number): Turn[] {
  const turns: Turn[] = [];
  let w = 0;
  for (let f = 0; f < speech.length; f++) {
    if (!speech[f]) continue;
    while (w + 1 < windows.length && Math.abs((windows[w + 1]!.start + windows[w + 1]!.end) / 2 - f) <= Math.abs((windows[w]!.start + windows[w]!.end) / 2 - f)) w++;
    const speaker = labels[w]!;
    const last = turns.at(-1);
    const t = f * hopSec;
    if (last && last.speaker === speaker && t - last.end < hopSec * 1.5) last.end = t + hopSec;
    else turns.push({ start: t, end: t + hopSec, speaker });
  }
  return turns.map((t) => ({ start: round(t.start), end: round(t.end), speaker: t.speaker }));
}

const round = (s: number) => Math.round(s * 1000) / 1000;

/**
 * Speaker diarization: energy VAD, MFCCs, per-window mean+std embeddings, average-linkage
 * clustering under cosine distance, majority smoothing, then speech frames labelled by window.
 */
export async function diarize(audio: Audio, opts: DiarizeOptions = {}): Promise<Diarization> {
  const pause = opts.yield ?? (() => new Promise<void>((r) => setImmediate(r)));
  const x = createMfccExtractor(audio.samples, audio.sampleRate);
  const features: Features = { hopSec: x.hopSec, frames: x.frames, mfcc: new Array(x.frames), logEnergy: new Float64Array(x.frames) };
  for (let f = 0; f < x.frames; f += SLICE_FRAMES) {
    x.extract(f, f + SLICE_FRAMES, features);
    await pause();
  }
  const speech = detectSpeech(features.logEnergy, x.hopSec, opts.vad);
  const windows = windowEmbeddings(features.mfcc, speech, x.hopSec, opts.embedding);
  if (windows.length === 0) return { turns: [], speakers: 0, windows: 0 };
  if (windows.length < 3 || opts.speakers === 1) {
    const turns = toTurns(speech, windows, windows.map(() => 0), x.hopSec);
    return { turns, speakers: 1, windows: windows.length };
  }
  const raw = windows.map((w) => w.vector);
  const vectors = standardize(raw);
  await pause();
  const merges = averageLinkage(vectors);
  await pause();
  const labels = renumber(medianSmooth(chooseLabels(raw, vectors, merges, opts), opts.smoothingWidth ?? 5));
  const turns = toTurns(speech, windows, labels, x.hopSec);
  return { turns, speakers: new Set(turns.map((t) => t.speaker)).size, windows: windows.length };
}
