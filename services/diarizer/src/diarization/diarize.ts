import { bicCluster } from "./bic-clustering.ts";
import { cepstralMean } from "./embeddings.ts";
import { createMfccExtractor, type Features } from "./mfcc.ts";
import { segmentModels, speechSpans, type SegmentOptions } from "./segments.ts";
import { smoothTurns, type SmoothingOptions } from "./smoothing.ts";
import { detectSpeech, type VadOptions } from "./vad.ts";
import type { Audio } from "./wav.ts";

/** Who spoke from `start` to `end` (seconds); speakers are 0-based, numbered by first appearance. */
export type Turn = { start: number; end: number; speaker: number };

export type DiarizeOptions = {
  /** The number of speakers when known; otherwise it is estimated. */
  speakers?: number;
  maxSpeakers?: number;
  /** Per-frame GLR at which two clusters count as different voices (see `bicCluster`). */
  distinctGlr?: number;
  vad?: VadOptions;
  segments?: SegmentOptions;
  smoothing?: SmoothingOptions;
  /** Called between slices of work so a long recording does not block the event loop. */
  yield?: () => Promise<void>;
};

/** `windows`: how many speech segments were modelled. */
export type Diarization = { turns: Turn[]; speakers: number; windows: number };

const SLICE_FRAMES = 4000;
/** Segments shorter than this many frames are too short to model; they take a neighbour's label. */
const MIN_MODEL_FRAMES = 30;

/** MFCCs and log energy of a whole recording, computed in slices with `pause` between them. */
export async function extractFeatures(audio: Audio, pause: () => Promise<void>): Promise<Features> {
  const x = createMfccExtractor(audio.samples, audio.sampleRate);
  const features: Features = { hopSec: x.hopSec, frames: x.frames, mfcc: new Array(x.frames), logEnergy: new Float64Array(x.frames) };
  for (let f = 0; f < x.frames; f += SLICE_FRAMES) {
    x.extract(f, f + SLICE_FRAMES, features);
    await pause();
  }
  return features;
}

const round = (s: number) => Math.round(s * 1000) / 1000;

/** Labelled spans to turns: a span too short to model takes the label of the nearest modelled span. */
function toTurns(spans: { start: number; end: number }[], modelled: number[], labels: number[], hopSec: number): Turn[] {
  const labelOf = new Array<number>(spans.length);
  modelled.forEach((s, i) => (labelOf[s] = labels[i]!));
  const turns: Turn[] = [];
  spans.forEach((span, i) => {
    let speaker = labelOf[i];
    if (speaker === undefined) {
      const mid = (span.start + span.end) / 2;
      const nearest = modelled.reduce((b, s) => (Math.abs((spans[s]!.start + spans[s]!.end) / 2 - mid) < Math.abs((spans[b]!.start + spans[b]!.end) / 2 - mid) ? s : b));
      speaker = labelOf[nearest]!;
    }
    const last = turns.at(-1);
    if (last && last.speaker === speaker && span.start * hopSec - last.end < hopSec * 1.5) last.end = span.end * hopSec;
    else turns.push({ start: span.start * hopSec, end: span.end * hopSec, speaker });
  });
  const ids = new Map<number, number>();
  return turns.map((t) => {
    if (!ids.has(t.speaker)) ids.set(t.speaker, ids.size);
    return { start: round(t.start), end: round(t.end), speaker: ids.get(t.speaker)! };
  });
}

/**
 * Speaker diarization: energy VAD, MFCCs, speech runs cut into segments of at most a few
 * seconds, one Gaussian per segment, then agglomerative BIC clustering of the segments (see
 * `bicCluster`), which also decides how many speakers there are, and minimum-duration smoothing
 * of the resulting turns (`smoothTurns`).
 */
export async function diarize(audio: Audio, opts: DiarizeOptions = {}): Promise<Diarization> {
  const pause = opts.yield ?? (() => new Promise<void>((r) => setImmediate(r)));
  const features = await extractFeatures(audio, pause);
  const speech = detectSpeech(features.logEnergy, features.hopSec, opts.vad);
  const spans = speechSpans(speech, features.hopSec, opts.segments);
  const modelled = spans.flatMap((s, i) => (s.end - s.start >= MIN_MODEL_FRAMES ? [i] : []));
  if (modelled.length === 0) return { turns: [], speakers: 0, windows: 0 };
  const segments = segmentModels(features.mfcc, modelled.map((i) => spans[i]!), cepstralMean(features.mfcc, speech));
  await pause();
  const labels = opts.speakers === 1 || segments.length < 2
    ? segments.map(() => 0)
    : bicCluster(segments, {
      ...(opts.speakers ? { speakers: opts.speakers } : {}),
      ...(opts.maxSpeakers ? { maxSpeakers: opts.maxSpeakers } : {}),
      ...(opts.distinctGlr ? { distinctGlr: opts.distinctGlr } : {}),
    });
  const turns = smoothTurns(toTurns(spans, modelled, labels, features.hopSec), opts.smoothing);
  return { turns, speakers: new Set(turns.map((t) => t.speaker)).size, windows: segments.length };
}
