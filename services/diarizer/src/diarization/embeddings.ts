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
