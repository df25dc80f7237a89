export type VadOptions = {
  /** Frames this far (dB) below the loud speech level are never speech. */
  dynamicRangeDb?: number;
  /** Frames this far (dB) above the noise floor are speech, however loud the loudest voice. */
  aboveFloorDb?: number;
  /** A speech run extends into neighbouring frames while they stay this far (dB) above the floor. */
  extendAboveFloorDb?: number;
  /** Non-speech gaps shorter than this (seconds) are bridged: pauses inside a phrase. */
  minGapSec?: number;
  /** Speech runs shorter than this (seconds) are dropped: clicks, breaths. */
  minSpeechSec?: number;
};

export function percentile(values: ArrayLike<number>, p: number): number {
  return percentiles(values, [p])[0]!;
}

/** Several percentiles of `values` from one sorted copy. */
function percentiles(values: ArrayLike<number>, ps: number[]): number[] {
  if (values.length === 0) return ps.map(() => 0);
  const sorted = Float64Array.from(values).sort();
  return ps.map((p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))))]!);
}

/** Sets runs of `value` shorter than `minLen` frames, bounded by the other value on both sides, to the other value. */
function removeShortRuns(mask: Uint8Array, value: 0 | 1, minLen: number, interiorOnly: boolean) {
  let i = 0;
  while (i < mask.length) {
    if (mask[i] !== value) {
      i++;
      continue;
    }
    let j = i;
    while (j < mask.length && mask[j] === value) j++;
    const interior = i > 0 && j < mask.length;
    if (j - i < minLen && (interior || !interiorOnly)) mask.fill(value === 1 ? 0 : 1, i, j);
    i = j;
  }
}

/**
 * Energy-based voice activity detection over per-frame log energies (natural log of mean
 * square). The threshold adapts to the recording: halfway between the noise floor (10th
 * percentile) and the speech level (95th), at most `aboveFloorDb` above the floor, but never
 * more than `dynamicRangeDb` below speech,
 * so digital silence does not drag it down. Short gaps are bridged and short bursts dropped.
 */
export function detectSpeech(logEnergy: Float64Array, hopSec: number, opts: VadOptions = {}): Uint8Array {
  const mask = new Uint8Array(logEnergy.length);
  if (logEnergy.length === 0) return mask;
  const [floor, speech] = percentiles(logEnergy, [10, 95]) as [number, number];
  const range = ((opts.dynamicRangeDb ?? 30) / 10) * Math.LN10;
  // Never more than `aboveFloorDb` over the noise floor either: in a mix of loud and quiet
  // voices, halfway up from the floor cuts the quiet voice's softer sounds.
  const aboveFloor = ((opts.aboveFloorDb ?? 12) / 10) * Math.LN10;
  const threshold = Math.max(Math.min((floor + speech) / 2, floor + aboveFloor), speech - range);
  // Nearly constant energy is either all silence or all speech; decide by level (-60 dBFS).
  if (speech - floor < Math.LN10) return mask.fill(speech > -6 * Math.LN10 ? 1 : 0);
  for (let i = 0; i < logEnergy.length; i++) mask[i] = logEnergy[i]! > threshold ? 1 : 0;
  // Hysteresis: speech runs grow outwards while frames stay clearly over the floor (soft onsets, trailing consonants).
  const low = Math.max(Math.min(threshold, floor + ((opts.extendAboveFloorDb ?? 6) / 10) * Math.LN10), speech - range);
  for (let i = 1; i < mask.length; i++) if (!mask[i] && mask[i - 1] && logEnergy[i]! > low) mask[i] = 1;
  for (let i = mask.length - 2; i >= 0; i--) if (!mask[i] && mask[i + 1] && logEnergy[i]! > low) mask[i] = 1;
  removeShortRuns(mask, 0, Math.round((opts.minGapSec ?? 0.3) / hopSec), true);
  removeShortRuns(mask, 1, Math.round((opts.minSpeechSec ?? 0.1) / hopSec), false);
  return mask;
}

/** Speech regions in seconds from a frame mask. */
export function speechRegions(mask: Uint8Array, hopSec: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let i = 0;
  while (i < mask.length) {
    if (!mask[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < mask.length && mask[j]) j++;
    out.push({ start: i * hopSec, end: j * hopSec });
    i = j;
  }
  return out;
}
