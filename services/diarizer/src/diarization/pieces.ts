/** A stretch of speech frames [start, end) and its diagonal Gaussian over voice features. */
export type Piece = { start: number; end: number; mean: Float64Array; variance: Float64Array };

const VAR_FLOOR = 1e-2;

/**
 * Likely speaker changes inside the speech run [from, to): peaks of the distance between the
 * mean features of the `win` frames before and after each point (every 5 frames), over
 * `threshold`, at least `win` apart. Turns that follow each other without a pause are cut here.
 */
export function changePoints(frames: Float64Array[], from: number, to: number, win: number, threshold: number): number[] {
  if (to - from < 2 * win) return [];
  const dims = frames[0]!.length;
  const cum = new Float64Array((to - from + 1) * dims);
  for (let f = from; f < to; f++) {
    const [at, prev] = [(f - from + 1) * dims, (f - from) * dims];
    for (let d = 0; d < dims; d++) cum[at + d] = cum[prev + d]! + frames[f]![d]!;
  }
  const mean = (a: number, d: number) => (cum[(a + win - from) * dims + d]! - cum[(a - from) * dims + d]!) / win;
  const scores: { t: number; v: number }[] = [];
  for (let t = from + win; t <= to - win; t += 5) {
    let s = 0;
    for (let d = 0; d < dims; d++) s += (mean(t - win, d) - mean(t, d)) ** 2;
    scores.push({ t, v: s / dims });
  }
  const cuts: number[] = [];
  for (const c of [...scores].sort((a, b) => b.v - a.v)) {
    if (c.v < threshold) break;
    if (cuts.every((t) => Math.abs(t - c.t) >= win)) cuts.push(c.t);
  }
  return cuts.sort((a, b) => a - b);
}

/**
 * Runs of the speech mask, cut at likely speaker changes (`changePoints`) and then into equal
 * pieces of at most `maxFrames`; pieces under `minFrames` are left out.
 */
export function speechPieces(speech: Uint8Array, maxFrames: number, minFrames: number, change?: { frames: Float64Array[]; win: number; threshold: number }): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const cut = (i: number, j: number) => {
    const count = Math.ceil((j - i) / maxFrames);
    for (let p = 0; p < count; p++) {
      const span = { start: i + Math.round(((j - i) * p) / count), end: i + Math.round(((j - i) * (p + 1)) / count) };
      if (span.end - span.start >= minFrames) out.push(span);
    }
  };
  for (let i = 0; i < speech.length; ) {
    if (!speech[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < speech.length && speech[j]) j++;
    const bounds = [i, ...(change ? changePoints(change.frames, i, j, change.win, change.threshold) : []), j];
    for (let b = 0; b + 1 < bounds.length; b++) cut(bounds[b]!, bounds[b + 1]!);
    i = j;
  }
  return out;
}

/** The Gaussian of each span's frames. */
export function modelPieces(frames: Float64Array[], spans: { start: number; end: number }[]): Piece[] {
  const dims = frames[0]?.length ?? 0;
  return spans.map(({ start, end }) => {
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
    return { start, end, mean, variance };
  });
}

/**
 * Squared distance between two pieces' mean voice features, per dimension. The features are
 * normalised over the recording's speech (CMVN), so the distance is on one scale in every
 * recording, and each piece is of similar length, so it does not depend on how much is said.
 * (On the bench's tuning set the means alone separate voices better than the symmetric KL
 * divergence of the pieces' Gaussians: their variances, from a few seconds, are noisy.)
 */
export function pieceDistance(x: Piece, y: Piece): number {
  let s = 0;
  const dims = x.mean.length;
  for (let d = 0; d < dims; d++) s += (x.mean[d]! - y.mean[d]!) ** 2;
  return s / dims;
}

/** The n x n matrix of piece distances, row-major, single precision (it can be large). */
export function distanceMatrix(pieces: Piece[]): Float32Array {
  const n = pieces.length;
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[i * n + j] = out[j * n + i] = pieceDistance(pieces[i]!, pieces[j]!);
  return out;
}
