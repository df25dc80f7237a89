import { averageLinkage, cutDendrogram } from "./ahc-clustering.ts";
import { normalisedFrames } from "./embeddings.ts";
import { createMfccExtractor, extractFrames, type Features } from "./mfcc.ts";
import { distanceMatrix, modelPieces, speechPieces, speechRuns } from "./pieces.ts";
import { resegment, type ResegmentOptions, type Unit } from "./resegment.ts";
import { smoothTurns, snapChanges, type SmoothingOptions, type SnapOptions } from "./smoothing.ts";
import { detectSpeech, type VadOptions } from "./vad.ts";
import type { Audio } from "./wav.ts";

/** Who spoke from `start` to `end` (seconds); speakers are 0-based, numbered by first appearance. */
export type Turn = { start: number; end: number; speaker: number };

export type DiarizeOptions = {
  /** The number of speakers when known; otherwise it is estimated. */
  speakers?: number;
  /** Bounds on the estimate when the exact number is not known. */
  minSpeakers?: number;
  maxSpeakers?: number;
  /** Word times (seconds) from the transcript: each word is given to one speaker as a whole. */
  words?: { start: number; end: number }[];
  /** Mean piece-to-piece distance under which two clusters are one voice (see `pieceDistance`). */
  threshold?: number;
  /** Clusters with less than this share of the speech do not count as a voice either. */
  minSpeakerShare?: number;
  /**
   * Clusters with less speech than this (seconds, default 2) do not count as a voice. Lower than
   * a few seconds since a guest who says one sentence is a speaker; the resegmentation still
   * drops a voice that keeps less than this.
   */
  minSpeakerSec?: number;
  /** MFCCs computed (c0 included; c0 is left out of the voice features). */
  coefficients?: number;
  /** Length of the pieces clustered (seconds). */
  pieceSec?: number;
  vad?: VadOptions;
  /**
   * VAD of the speech that is labelled besides `vad`'s (default: 7 dB over the noise floor, down
   * to 40 dB under the speech level, against `vad`'s 12 and 30). Only `vad`'s speech is clustered
   * and trains the voice models, so a quieter voice's softer sounds get a label without moving
   * the clustering (which lower thresholds for `vad` itself do).
   */
  labelVad?: VadOptions;
  resegment?: ResegmentOptions;
  smoothing?: SmoothingOptions;
  /** Where a change of speaker inside continuous speech looks for a pause to move to (without word times). */
  snap?: SnapOptions | false;
  /** Called between slices of work so a long recording does not block the event loop. */
  yield?: () => Promise<void>;
};

/** `windows`: how many speech pieces were clustered; `words`: each given word's speaker, in the order given. */
export type Diarization = { turns: Turn[]; speakers: number; windows: number; words?: number[] };

const SLICE_FRAMES = 4000;
/** Frames per call of extractFrames within a slice (see extractFeatures). */
const FEATURE_BLOCK_FRAMES = 250;
const LABEL_VAD: VadOptions = { aboveFloorDb: 7, dynamicRangeDb: 40 };
/** Without word times, speech is decoded in blocks this long (frames): the resolution of a boundary. */
const BLOCK_FRAMES = 10;
/** At most this many pieces are clustered (the distance matrix is n^2): longer recordings get longer pieces. */
const MAX_PIECES = 2500;

/** MFCCs (c0..c{coefficients-1}) and log energy of a whole recording, computed in slices with `pause` between them. */
export async function extractFeatures(audio: Audio, pause: () => Promise<void>, coefficients = 13): Promise<Features> {
  const x = createMfccExtractor(audio.samples, audio.sampleRate, { coefficients });
  const features: Features = { hopSec: x.hopSec, frames: x.frames, mfcc: new Array(x.frames), logEnergy: new Float64Array(x.frames) };
  for (let f = 0; f < x.frames; f += SLICE_FRAMES) {
    // In blocks: called a dozen times a job, extractFrames is compiled once and kept; called once
    // a job with the whole loop, it was compiled on the stack (OSR) again at every job.
    const end = Math.min(f + SLICE_FRAMES, x.frames);
    for (let b = f; b < end; b += FEATURE_BLOCK_FRAMES) extractFrames(x, b, Math.min(b + FEATURE_BLOCK_FRAMES, end), features);
    await pause();
  }
  return features;
}

function union(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! | b[i]!;
  return out;
}

const round = (s: number) => Math.round(s * 1000) / 1000;

/**
 * `o` without bridging short gaps, as a literal of one shape: a spread made per job gets a shape
 * (map) that V8 forgets between jobs, and detectSpeech's code, compiled against it, with it.
 */
function unbridged(o: VadOptions = {}): VadOptions {
  return {
    dynamicRangeDb: o.dynamicRangeDb,
    aboveFloorDb: o.aboveFloorDb,
    extendAboveFloorDb: o.extendAboveFloorDb,
    minGapSec: 0,
    minSpeechSec: o.minSpeechSec,
  };
}

/** Units to decode: the transcript's words (with `word`, the index in `words`), or blocks of each speech run. */
function unitsOf(speech: Uint8Array, hopSec: number, frames: number, words?: { start: number; end: number }[]): (Unit & { word?: number })[] {
  if (words) {
    const order = [...words.keys()].sort((a, b) => words[a]!.start - words[b]!.start);
    let lastEnd = -Infinity;
    return order.map((word) => {
      const w = words[word]!;
      const start = Math.max(0, Math.min(frames - 1, Math.floor(w.start / hopSec)));
      const unit = { start, end: Math.max(start + 1, Math.min(frames, Math.ceil(w.end / hopSec))), gapBefore: w.start - lastEnd, word };
      lastEnd = Math.max(lastEnd, w.end);
      return unit;
    });
  }
  const units: Unit[] = [];
  let lastEnd = -Infinity;
  for (const { start: i, end: j } of speechRuns(speech)) {
    const blocks = Math.max(1, Math.round((j - i) / BLOCK_FRAMES));
    for (let b = 0; b < blocks; b++) {
      const start = i + Math.round(((j - i) * b) / blocks);
      units.push({ start, end: i + Math.round(((j - i) * (b + 1)) / blocks), gapBefore: b === 0 ? (start - lastEnd) * hopSec : 0 });
    }
    lastEnd = j;
  }
  return units;
}

/** Consecutive units of one speaker with no real pause between them become one turn. */
function toTurns(units: Unit[], labels: Int32Array, hopSec: number, joinSec: number): Turn[] {
  const turns: Turn[] = [];
  units.forEach((u, i) => {
    const last = turns.at(-1);
    const speaker = labels[i]!;
    if (last && last.speaker === speaker && u.gapBefore < joinSec) last.end = Math.max(last.end, u.end * hopSec);
    else turns.push({ start: u.start * hopSec, end: u.end * hopSec, speaker });
  });
  return turns.map((t) => ({ start: round(t.start), end: round(t.end), speaker: t.speaker }));
}

/**
 * Speaker diarization over the whole recording at once:
 *  1. energy VAD; MFCC c1..c12 with the recording's mean and variance over speech removed;
 *  2. speech cut into pieces of `pieceSec`; average-linkage clustering of all pieces on the
 *     distance of their features' means and standard deviations (`pieceDistance`), cut at a
 *     fixed `threshold` (a mean of piece-to-piece distances, so it does not drift with the
 *     amount of speech), or at the count asked for (`speakers`, or clamped to
 *     `minSpeakers`..`maxSpeakers`); clusters under `minSpeakerSec` are no voice;
 *  3. Viterbi resegmentation with a GMM per voice over units (the transcript's words, or 0.1 s
 *     blocks), changes cheap at pauses and dear elsewhere (`resegment`);
 *  4. minimum-duration smoothing of the turns (`smoothTurns`);
 *  5. without word times, a change inside continuous speech moved to the nearest pause, which is
 *     left out of both turns (`snapChanges`).
 */
export async function diarize(audio: Audio, opts: DiarizeOptions = {}): Promise<Diarization> {
  const pause = opts.yield ?? (() => new Promise<void>((r) => setImmediate(r)));
  const features = await extractFeatures(audio, pause, opts.coefficients ?? 13);
  const hop = features.hopSec;
  const speech = detectSpeech(features.logEnergy, hop, opts.vad);
  const frames = normalisedFrames(features.mfcc, speech);
  const labelled = union(speech, detectSpeech(features.logEnergy, hop, opts.labelVad ?? LABEL_VAD));
  const units = unitsOf(labelled, hop, features.frames, opts.words);
  if (units.length === 0 || features.frames === 0) return { turns: [], speakers: 0, windows: 0, ...(opts.words ? { words: opts.words.map(() => 0) } : {}) };
  let speechFrames = 0;
  for (const s of speech) speechFrames += s;
  const pieceFrames = Math.max(Math.round((opts.pieceSec ?? 3) / hop), Math.ceil(speechFrames / MAX_PIECES));
  const spans = speechPieces(speech, pieceFrames, Math.round(pieceFrames / 3));
  const pieces = modelPieces(frames, spans);
  let unitLabels: Int32Array<ArrayBufferLike> = new Int32Array(units.length);
  // A voice holds a few seconds and a small share of the speech: a stray cluster does not count.
  const minVoiceFrames = Math.max((opts.minSpeakerSec ?? 2) / hop, (opts.minSpeakerShare ?? 0) * speechFrames);
  if (pieces.length >= 2 && opts.speakers !== 1 && opts.maxSpeakers !== 1) {
    const merges = averageLinkage(distanceMatrix(pieces), pieces.length);
    await pause();
    const labels = cutDendrogram(merges, pieces.length, {
      threshold: opts.threshold ?? 0.23,
      weights: spans.map((s) => s.end - s.start),
      minSize: minVoiceFrames,
      ...(opts.speakers ? { speakers: opts.speakers } : {}),
      ...(opts.minSpeakers ? { minSpeakers: opts.minSpeakers } : {}),
      ...(opts.maxSpeakers ? { maxSpeakers: opts.maxSpeakers } : {}),
    });
    // Each unit starts with the label of the piece under its middle (-1: none, decoded freely).
    const byFrame = new Int32Array(features.frames).fill(-1);
    spans.forEach((s, i) => byFrame.fill(labels[i]!, s.start, s.end));
    unitLabels = units.reduce((out, u, i) => ((out[i] = byFrame[(u.start + u.end) >> 1]!), out), new Int32Array(units.length));
    // Blocks of speech: the models learn from the clustered speech only, not from the quieter
    // speech added for labelling. Words: all of a word's frames, as before (a word's pauses
    // scored by models that never saw a pause mislabel words in the dialogue test).
    const masks = opts.words ? {} : { train: speech };
    const minSpeakerFrames = opts.speakers || opts.minSpeakers ? 1 : minVoiceFrames;
    unitLabels = await resegment(frames, units, unitLabels, { minSpeakerFrames, ...opts.resegment, pause, ...masks });
  }
  let turns = smoothTurns(toTurns(units, unitLabels, hop, opts.resegment?.pauseSec ?? 0.3), opts.smoothing);
  // Word times already put every change between words; blocks of speech may put one in a bridged pause or a sound.
  if (!opts.words && opts.snap !== false) {
    const pauses = union(
      detectSpeech(features.logEnergy, hop, unbridged(opts.vad)),
      detectSpeech(features.logEnergy, hop, unbridged(opts.labelVad ?? LABEL_VAD)),
    );
    turns = snapChanges(turns, pauses, hop, opts.snap);
  }
  const result: Diarization = { turns, speakers: new Set(turns.map((t) => t.speaker)).size, windows: pieces.length };
  if (opts.words) {
    // Every turn is a run of whole words, so each word's middle lies in its own turn.
    const words = new Array<number>(opts.words.length).fill(0);
    let t = 0;
    for (const u of units) {
      const mid = ((u.start + u.end) / 2) * hop;
      while (t + 1 < turns.length && turns[t]!.end < mid) t++;
      words[u.word!] = turns[t]?.speaker ?? 0;
    }
    result.words = words;
  }
  return result;
}
