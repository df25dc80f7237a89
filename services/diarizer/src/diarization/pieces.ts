/** A stretch of speech frames [start, end) and its diagonal Gaussian over voice features. */
export type Piece = { start: number; end: number; mean: Float64Array; variance: Float64Array };

const VAR_FLOOR = 1e-2;

/** The runs of consecutive speech frames in the mask, as [start, end). */
export function speechRuns(speech: Uint8Array): { start: number; end: number }[] {
  const runs: { start: number; end: number }[] = [];
  for (let i = 0; i < speech.length; ) {
    if (!speech[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < speech.length && speech[j]) j++;
    runs.push({ start: i, end: j });
    i = j;
  }
  return runs;
}

/** Runs of the speech mask, each cut into equal pieces of at most `maxFrames`; pieces under `minFrames` are left out. */
export function speechPieces(speech: Uint8Array, maxFrames: number, minFrames: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const { start: i, end: j } of speechRuns(speech)) {
    const count = Math.ceil((j - i) / maxFrames);
    for (let p = 0; p < count; p++) {
      const span = { start: i + Math.round(((j - i) * p) / count), end: i + Math.round(((j - i) * (p + 1)) / count) };
      if (span.end - span.start >= minFrames) out.push(span);
    }
  }
  return out;
}

/** The Gaussian of each span's frames. */
export function modelPieces(frames: Float64Array[], spans: { start: number; end: number }[]): Piece[] {
  const dims = frames[0]?.length ?? 0;
  const out: Piece[] = [];
  // A loop, not a callback: a closure made per job is compiled again for each job (see mfcc.ts).
  for (const { start, end } of spans) {
    const mean = new Float64Array(dims);
    const variance = new Float64Array(dims);
    for (let f = start; f < end; f++) {
      const x = frames[f]!;
      for (let d = 0; d < dims; d++) {
        mean[d] = mean[d]! + x[d]!;
        variance[d] = variance[d]! + x[d]! * x[d]!;
      }
    }
    const n = Math.max(1, end - start);
    for (let d = 0; d < dims; d++) {
      mean[d] = mean[d]! / n;
      variance[d] = Math.max(VAR_FLOOR, variance[d]! / n - mean[d]! ** 2);
    }
    out.push({ start, end, mean, variance });
  }
  return out;
}

/** Weight of the standard deviations' difference against the means' in `pieceDistance`. */
const SPREAD_WEIGHT = 0.5;

/**
 * Squared distance between two pieces' voice features, per dimension: the difference of their
 * means plus half the difference of their standard deviations (second-order statistics: how
 * widely a voice's spectrum moves, not only where it sits). The features are normalised over the
 * recording's speech (CMVN), so the distance is on one scale in every recording, and each piece
 * is of similar length, so it does not depend on how much is said. (On the bench's tuning set
 * this separates voices better than the means alone, and better than the symmetric KL divergence
 * of the pieces' Gaussians, whose log-variance terms weigh a few seconds' noisy variances too much.)
 */
export function pieceDistance(x: Piece, y: Piece): number {
  let s = 0;
  const dims = x.mean.length;
  for (let d = 0; d < dims; d++) s += (x.mean[d]! - y.mean[d]!) ** 2 + SPREAD_WEIGHT * (Math.sqrt(x.variance[d]!) - Math.sqrt(y.variance[d]!)) ** 2;
  return s / dims;
}

/** The n x n matrix of piece distances, row-major, single precision (it can be large). */
export function distanceMatrix(pieces: Piece[]): Float32Array {
  const n = pieces.length;
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[i * n + j] = out[j * n + i] = pieceDistance(pieces[i]!, pieces[j]!);
  return out;
}
