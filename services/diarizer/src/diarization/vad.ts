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

/**
 * Several percentiles of `values`: each the value a sorted copy holds at its rank, found by
 * selection in one copy (linear time; sorting the copy cost the diarizer 5 % of its time).
 */
function percentiles(values: ArrayLike<number>, ps: number[]): number[] {
  if (values.length === 0) return ps.map(() => 0);
  const a = Float64Array.from(values);
  const last = a.length - 1;
  const ranks = ps.map((p) => Math.min(last, Math.max(0, Math.round((p / 100) * last))));
  if (a.some(Number.isNaN)) {
    a.sort(); // NaN last, as before; comparisons cannot place it
    return ranks.map((r) => a[r]!);
  }
  // Ascending ranks: once rank r is in place, nothing before it is greater, so the next search starts there.
  const order = ranks.map((r, i) => [r, i] as const).sort((x, y) => x[0] - y[0]);
  const out = new Array<number>(ps.length);
  let from = 0;
  for (const [r, i] of order) {
    selectRank(a, from, last, r);
    out[i] = a[r]!;
    from = r;
  }
  return out;
}

/**
 * Moves into a[k] the value a sorted a[lo..hi] would hold there, with nothing greater before it
 * and nothing smaller after it (Hoare's selection, the median of three as pivot; equal values are
 * swapped, so a run of them, digital silence, still splits in halves).
 */
function selectRank(a: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const x = a[lo]!;
    const y = a[(lo + hi) >> 1]!;
    const z = a[hi]!;
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z)); // the median of the three
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return; // between them every value equals the pivot
  }
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
