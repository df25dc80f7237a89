/** A span of speech frames [start, end) modelled by one diagonal Gaussian over its cepstra. */
export type SpeechSegment = { start: number; end: number; frames: number; mean: Float64Array; variance: Float64Array };

export type SegmentOptions = {
  /** Speech runs longer than this (seconds) are cut into equal pieces, so a turn change without a pause is still caught. */
  maxSegmentSec?: number;
  /** Pieces shorter than this (seconds) are too short to model a voice; they take a neighbour's speaker. */
  minSegmentSec?: number;
  /** Long recordings get longer pieces so the distance matrix stays within this many segments. */
  maxSegments?: number;
};

/** Floor on variances: a near-constant coefficient must not dominate the likelihood. */
const VAR_FLOOR = 1e-3;

/** Speech runs of the VAD mask, cut into pieces of at most `maxSegmentSec`. */
export function speechSpans(speech: Uint8Array, hopSec: number, opts: SegmentOptions = {}): { start: number; end: number }[] {
  let speechFrames = 0;
  for (const s of speech) speechFrames += s;
  const maxSegments = opts.maxSegments ?? 1500;
  const maxLen = Math.max(Math.round((opts.maxSegmentSec ?? 3) / hopSec), Math.ceil(speechFrames / maxSegments));
  const out: { start: number; end: number }[] = [];
  let i = 0;
  while (i < speech.length) {
    if (!speech[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < speech.length && speech[j]) j++;
    const pieces = Math.ceil((j - i) / maxLen);
    for (let p = 0; p < pieces; p++) out.push({ start: i + Math.round(((j - i) * p) / pieces), end: i + Math.round(((j - i) * (p + 1)) / pieces) });
    i = j;
  }
  return out;
}

/**
 * Gaussian models of spans over c1..c{n-1} (c0 is loudness, not voice) after subtracting the
 * recording's mean cepstrum over speech (cepstral mean normalisation).
 */
export function segmentModels(mfcc: Float64Array[], spans: { start: number; end: number }[], cmn: Float64Array): SpeechSegment[] {
  const dims = cmn.length - 1;
  return spans.map(({ start, end }) => {
    const mean = new Float64Array(dims);
    const variance = new Float64Array(dims);
    for (let f = start; f < end; f++) {
      const row = mfcc[f]!;
      for (let d = 0; d < dims; d++) {
        const x = row[d + 1]! - cmn[d + 1]!;
        mean[d] = mean[d]! + x;
        variance[d] = variance[d]! + x * x;
      }
    }
    const n = Math.max(1, end - start);
    for (let d = 0; d < dims; d++) {
      mean[d] = mean[d]! / n;
      variance[d] = Math.max(VAR_FLOOR, variance[d]! / n - mean[d]! ** 2);
    }
    return { start, end, frames: end - start, mean, variance };
  });
}

const logDet = (v: Float64Array) => {
  let s = 0;
  for (const x of v) s += Math.log(x);
  return s;
};

/**
 * Generalised likelihood ratio between two segments, per frame: how much likelier the frames are
 * under one Gaussian each than under one Gaussian for both. Near 0 for one voice; the classic
 * distance of BIC segmentation and clustering (Chen & Gopalakrishnan 1998), without its penalty.
 */
export function glrDistance(x: SpeechSegment, y: SpeechSegment): number {
  const n = x.frames + y.frames;
  const dims = x.mean.length;
  const joint = new Float64Array(dims);
  for (let d = 0; d < dims; d++) {
    const m = (x.frames * x.mean[d]! + y.frames * y.mean[d]!) / n;
    const second = (x.frames * (x.variance[d]! + x.mean[d]! ** 2) + y.frames * (y.variance[d]! + y.mean[d]! ** 2)) / n;
    joint[d] = Math.max(VAR_FLOOR, second - m * m);
  }
  return (0.5 * (n * logDet(joint) - x.frames * logDet(x.variance) - y.frames * logDet(y.variance))) / n;
}

/** The n x n GLR distance matrix of segments, row-major. */
export function distanceMatrix(segments: SpeechSegment[]): Float64Array {
  const n = segments.length;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) d[i * n + j] = d[j * n + i] = glrDistance(segments[i]!, segments[j]!);
  return d;
}
