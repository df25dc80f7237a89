import { powerSpectrum } from "./fft.ts";

export type MfccOptions = {
  frameSec?: number;
  hopSec?: number;
  fftSize?: number;
  melFilters?: number;
  /** Coefficients kept, c0 included. */
  coefficients?: number;
  preEmphasis?: number;
};

/** Per-frame features: MFCCs (c0..c{n-1}) and log energy, one row per frame. */
export type Features = { hopSec: number; frames: number; mfcc: Float64Array[]; logEnergy: Float64Array };

const hzToMel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
const melToHz = (mel: number) => 700 * (10 ** (mel / 2595) - 1);

/** Triangular filters evenly spaced on the mel scale, as rows over FFT bins 0..fftSize/2. */
export function melFilterbank(count: number, fftSize: number, sampleRate: number, lowHz = 20, highHz = sampleRate / 2): Float64Array[] {
  const lo = hzToMel(lowHz);
  const hi = hzToMel(highHz);
  const bins = Array.from({ length: count + 2 }, (_, i) => Math.floor(((fftSize + 1) * melToHz(lo + ((hi - lo) * i) / (count + 1))) / sampleRate));
  return Array.from({ length: count }, (_, m) => {
    const row = new Float64Array(fftSize / 2 + 1);
    const [l, c, r] = [bins[m]!, bins[m + 1]!, bins[m + 2]!];
    for (let k = l; k < c; k++) row[k] = (k - l) / Math.max(1, c - l);
    for (let k = c; k <= r && k < row.length; k++) row[k] = (r - k) / Math.max(1, r - c);
    return row;
  });
}

/** Orthonormal DCT-II matrix, `coefficients` rows by `size` columns. */
export function dctMatrix(coefficients: number, size: number): Float64Array[] {
  return Array.from({ length: coefficients }, (_, k) => {
    const row = new Float64Array(size);
    const scale = Math.sqrt((k === 0 ? 1 : 2) / size);
    for (let n = 0; n < size; n++) row[n] = scale * Math.cos((Math.PI * k * (n + 0.5)) / size);
    return row;
  });
}

/** What an extractor needs besides the samples, the same for every recording with the same settings. */
export type MfccPlan = {
  frameLen: number;
  hop: number;
  fftSize: number;
  /** FFT bins of the power spectrum: fftSize / 2 + 1. */
  bins: number;
  /** The mel filters as one row of `bins` weights each, and where each row is non-zero. */
  weights: Float64Array;
  spanFrom: Int32Array;
  spanTo: Int32Array;
  filterCount: number;
  /** The DCT as one row of `filterCount` weights per coefficient. */
  dct: Float64Array;
  coefficients: number;
  alpha: number;
  window: Float64Array;
  /**
   * Work space of one frame (a frame is computed in one synchronous call, so every extractor of
   * the thread can share it; a worker thread has a module, and plans, of its own).
   */
  scratch: { re: Float64Array; im: Float64Array; out: Float64Array };
  buf: Float64Array;
  logMel: Float64Array;
};

/** Plans by their settings: a service sees one or two, and building one costs a few hundred microseconds. */
const plans = new Map<string, MfccPlan>();

function planFor(sampleRate: number, opts: MfccOptions): MfccPlan {
  const frameLen = Math.round((opts.frameSec ?? 0.025) * sampleRate);
  const hop = Math.round((opts.hopSec ?? 0.01) * sampleRate);
  const fftSize = opts.fftSize ?? 2 ** Math.ceil(Math.log2(frameLen));
  const melCount = opts.melFilters ?? 26;
  const coefficientCount = opts.coefficients ?? 13;
  const alpha = opts.preEmphasis ?? 0.97;
  const key = `${sampleRate} ${frameLen} ${hop} ${fftSize} ${melCount} ${coefficientCount} ${alpha}`;
  const known = plans.get(key);
  if (known) return known;
  const filters = melFilterbank(melCount, fftSize, sampleRate);
  // Each triangle covers a few bins; remember where, so a frame touches only those.
  const spanFrom = new Int32Array(filters.length);
  const spanTo = new Int32Array(filters.length);
  filters.forEach((row, m) => {
    const from = row.findIndex((v) => v > 0);
    let to = row.length - 1;
    while (to > from && row[to] === 0) to--;
    spanFrom[m] = Math.max(from, 0);
    spanTo[m] = from < 0 ? -1 : to;
  });
  const bins = fftSize / 2 + 1;
  const weights = new Float64Array(filters.length * bins);
  filters.forEach((row, m) => weights.set(row, m * bins));
  const dctRows = dctMatrix(coefficientCount, filters.length);
  const dct = new Float64Array(dctRows.length * filters.length);
  dctRows.forEach((row, k) => dct.set(row, k * filters.length));
  const window = Float64Array.from({ length: frameLen }, (_, n) => 0.54 - 0.46 * Math.cos((2 * Math.PI * n) / (frameLen - 1)));
  const plan: MfccPlan = {
    frameLen,
    hop,
    fftSize,
    bins,
    weights,
    spanFrom,
    spanTo,
    filterCount: filters.length,
    dct,
    coefficients: dctRows.length,
    alpha,
    window,
    scratch: { re: new Float64Array(fftSize), im: new Float64Array(fftSize), out: new Float64Array(bins) },
    buf: new Float64Array(frameLen),
    logMel: new Float64Array(filters.length),
  };
  if (plans.size < 16) plans.set(key, plan);
  return plan;
}

/**
 * MFCC extractor: pre-emphasis, 25 ms Hamming frames every 10 ms, FFT power spectrum, mel
 * filterbank, log, DCT. `extractFrames(x, from, to, into)` computes a range of frames so a caller can
 * work in slices and let the event loop breathe between them.
 *
 * A plain record and functions of the module, not closures made per recording: V8 throws a
 * function's optimised code away when objects it was compiled against die (a closure's context,
 * the shape of a class instance, which only live instances hold), and the diarizer then compiled
 * its hot loops again for every job (docs/architecture.md, "Eleventh pass").
 */
export type MfccExtractor = { samples: Float32Array; plan: MfccPlan; frames: number; hopSec: number };

export function createMfccExtractor(samples: Float32Array, sampleRate: number, opts: MfccOptions = {}): MfccExtractor {
  const plan = planFor(sampleRate, opts);
  const frames = samples.length < plan.frameLen ? 0 : 1 + Math.floor((samples.length - plan.frameLen) / plan.hop);
  return { samples, plan, frames, hopSec: plan.hop / sampleRate };
}

/** Frame `f`'s coefficients into `out` from `at0`; returns its log energy. */
function frame(x: MfccExtractor, f: number, out: Float64Array, at0: number): number {
  const samples = x.samples;
  const { frameLen, hop, alpha, window, fftSize, bins, weights, spanFrom, spanTo, filterCount, dct, coefficients, buf, logMel, scratch } = x.plan;
  const at = f * hop;
  let energy = 0;
  let prev = at > 0 ? samples[at - 1]! : 0;
  for (let n = 0; n < frameLen; n++) {
    const v = samples[at + n]!;
    energy += v * v;
    buf[n] = (v - alpha * prev) * window[n]!;
    prev = v;
  }
  const power = powerSpectrum(buf, fftSize, scratch);
  for (let m = 0; m < filterCount; m++) {
    const row = m * bins;
    let e = 0;
    for (let k = spanFrom[m]!, to = spanTo[m]!; k <= to; k++) e += weights[row + k]! * power[k]!;
    logMel[m] = Math.log(Math.max(e, 1e-10));
  }
  for (let k = 0; k < coefficients; k++) {
    const row = k * filterCount;
    let s = 0;
    for (let m = 0; m < filterCount; m++) s += dct[row + m]! * logMel[m]!;
    out[at0 + k] = s;
  }
  return Math.log(energy / frameLen + 1e-10);
}

/**
 * Frames [from, to) into `into`: their rows are views of one array per call, not an array each
 * (a small typed array's memory is a malloc of its own, freed by the collector: 2,880 a job of 28.8 s).
 */
export function extractFrames(x: MfccExtractor, from: number, to: number, into: Features): void {
  const end = Math.min(to, x.frames);
  if (end <= from) return;
  const coefficients = x.plan.coefficients;
  const block = new Float64Array((end - from) * coefficients);
  for (let f = from; f < end; f++) {
    const at = (f - from) * coefficients;
    into.logEnergy[f] = frame(x, f, block, at);
    into.mfcc[f] = block.subarray(at, at + coefficients);
  }
}

/** All frames at once, for short audio and tests. */
export function computeMfcc(samples: Float32Array, sampleRate: number, opts: MfccOptions = {}): Features {
  const x = createMfccExtractor(samples, sampleRate, opts);
  const out: Features = { hopSec: x.hopSec, frames: x.frames, mfcc: new Array(x.frames), logEnergy: new Float64Array(x.frames) };
  extractFrames(x, 0, x.frames, out);
  return out;
}
