/** A span of speech frames [start, end) modelled by one diagonal Gaussian over its cepstra. */
export type SpeechSegment = { start: number; end: number; frames: number; mean: Float64Array; variance: Float64Array };

/** Floor on variances: a near-constant coefficient must not dominate the likelihood. */
const VAR_FLOOR = 1e-3;

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
