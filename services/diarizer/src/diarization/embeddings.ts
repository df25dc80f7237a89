export type EmbeddingOptions = {
  windowSec?: number;
  hopSec?: number;
  /** A window with less speech than this (seconds) gets no embedding. */
  minSpeechSec?: number;
  /** Long recordings widen the hop so clustering stays within this many windows. */
  maxWindows?: number;
};

/** A span of frames [start, end) and its embedding; `speechFrames` of it were speech. */
export type Window = { start: number; end: number; speechFrames: number; vector: Float64Array };

/**
 * Cepstral mean normalisation over the recording's speech frames: removes the channel
 * (microphone, room) so what remains differs by voice rather than by recording.
 */
export function cepstralMean(mfcc: Float64Array[], speech: Uint8Array): Float64Array {
  const dims = mfcc[0]?.length ?? 0;
  const mean = new Float64Array(dims);
  let n = 0;
  for (let f = 0; f < mfcc.length; f++) {
    if (!speech[f]) continue;
    for (let d = 0; d < dims; d++) mean[d] = mean[d]! + mfcc[f]![d]!;
    n++;
  }
  if (n > 0) for (let d = 0; d < dims; d++) mean[d] = mean[d]! / n;
  return mean;
}

/**
 * Per-window speaker embeddings: mean and standard deviation of c1..c{n-1} (c0 is loudness, not
 * voice) over the window's speech frames after cepstral mean normalisation.
 */
export function windowEmbeddings(mfcc: Float64Array[], speech: Uint8Array, hopSec: number, opts: EmbeddingOptions = {}): Window[] {
  const frames = mfcc.length;
  const maxWindows = opts.maxWindows ?? 2000;
  const baseHop = Math.max(1, Math.round((opts.hopSec ?? 0.75) / hopSec));
  const hop = Math.max(baseHop, Math.ceil(frames / maxWindows));
  const len = Math.max(Math.round((opts.windowSec ?? 1.5) / hopSec), 2 * hop);
  const minSpeech = Math.round((opts.minSpeechSec ?? 0.5) / hopSec);
  const cmn = cepstralMean(mfcc, speech);
  const dims = cmn.length - 1;
  const out: Window[] = [];
  for (let start = 0; start < frames; start += hop) {
    const end = Math.min(frames, start + len);
    const sum = new Float64Array(dims);
    const sq = new Float64Array(dims);
    let n = 0;
    for (let f = start; f < end; f++) {
      if (!speech[f]) continue;
      const row = mfcc[f]!;
      for (let d = 0; d < dims; d++) {
        const v = row[d + 1]! - cmn[d + 1]!;
        sum[d] = sum[d]! + v;
        sq[d] = sq[d]! + v * v;
      }
      n++;
    }
    if (n >= Math.min(minSpeech, len / 2)) {
      const vector = new Float64Array(2 * dims);
      for (let d = 0; d < dims; d++) {
        const mean = sum[d]! / n;
        vector[d] = mean;
        vector[dims + d] = Math.sqrt(Math.max(0, sq[d]! / n - mean * mean));
      }
      out.push({ start, end, speechFrames: n, vector });
    }
    if (end === frames) break;
  }
  return out;
}

/** Scales each dimension to zero mean and unit variance across windows, so no coefficient dominates the distance. */
export function standardize(vectors: Float64Array[]): Float64Array[] {
  const dims = vectors[0]?.length ?? 0;
  const mean = new Float64Array(dims);
  const std = new Float64Array(dims);
  for (const v of vectors) for (let d = 0; d < dims; d++) mean[d] = mean[d]! + v[d]! / vectors.length;
  for (const v of vectors) for (let d = 0; d < dims; d++) std[d] = std[d]! + (v[d]! - mean[d]!) ** 2 / vectors.length;
  return vectors.map((v) => v.map((x, d) => (x - mean[d]!) / (Math.sqrt(std[d]!) || 1)));
}
