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
 * Voice features per frame: c1..c{n-1} (c0 is loudness, not voice) with the recording's mean
 * and standard deviation over speech removed (CMVN). Besides removing the channel, this puts
 * every recording on one scale, so a fixed distance threshold means the same in each.
 */
export function normalisedFrames(mfcc: Float64Array[], speech: Uint8Array): Float64Array[] {
  const dims = (mfcc[0]?.length ?? 1) - 1;
  const mean = new Float64Array(dims);
  const sq = new Float64Array(dims);
  let n = 0;
  for (let f = 0; f < mfcc.length; f++) {
    if (!speech[f]) continue;
    for (let d = 0; d < dims; d++) {
      const x = mfcc[f]![d + 1]!;
      mean[d] = mean[d]! + x;
      sq[d] = sq[d]! + x * x;
    }
    n++;
  }
  const std = new Float64Array(dims).fill(1);
  if (n > 1) {
    for (let d = 0; d < dims; d++) {
      mean[d] = mean[d]! / n;
      std[d] = Math.sqrt(Math.max(1e-6, sq[d]! / n - mean[d]! ** 2));
    }
  }
  // Rows are views of one array: a small typed array of its own is a malloc and an ArrayBuffer
  // each, for the collector to free (100 a second of audio: 360,000 for an hour).
  const block = new Float64Array(mfcc.length * dims);
  const rows: Float64Array[] = new Array(mfcc.length);
  // A loop, not a callback per frame: a closure made per job is compiled again for each job (see mfcc.ts).
  for (let f = 0; f < mfcc.length; f++) {
    const row = mfcc[f]!;
    const out = block.subarray(f * dims, (f + 1) * dims);
    for (let d = 0; d < dims; d++) out[d] = (row[d + 1]! - mean[d]!) / std[d]!;
    rows[f] = out;
  }
  return rows;
}
