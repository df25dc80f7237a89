import { readFileSync } from "node:fs";
import { planOf } from "./fft.ts";

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
  coefficients: number;
  /** The compiled kernel (mfcc.wasm) with this setting's tables in its memory. */
  kernel: Kernel;
};

/** One setting's tables, as the kernel takes them: the mel filters and the DCT as flat rows. */
type Tables = {
  fftSize: number;
  frameLen: number;
  hop: number;
  alpha: number;
  coefficients: number;
  filterCount: number;
  window: Float64Array;
  /** The mel filters as one row of fftSize / 2 + 1 weights each, and where each row is non-zero. */
  weights: Float64Array;
  spanFrom: Int32Array;
  spanTo: Int32Array;
  /** The DCT as one row of `filterCount` weights per coefficient. */
  dct: Float64Array;
};

/**
 * The frames run in WebAssembly (services/diarizer/wasm/mfcc.ts, compiled to mfcc.wasm): the same
 * computation on doubles as the TypeScript it replaced (kept as the tests' reference,
 * test/mfcc-reference.ts), 1.9x faster for 28.8 s (11.9 to 6.3 ms): no typed-array access is
 * bounds-checked, and the FFT's butterflies run two at a time in 128-bit vectors; since the
 * twenty-fourth pass (docs/architecture.md) the window, the untangling, the filters and the DCT
 * do too, about 0.75x that kernel's time again. An
 * instance per setting holds its tables, and room for KERNEL_FRAMES frames' samples and results:
 * a call copies a block's samples in and its coefficients out (a few hundred KiB, whatever the
 * recording's length).
 */
type Kernel = {
  frames(samplesP: number, from: number, to: number, outP: number, energyP: number): void;
  samplesP: number;
  outP: number;
  energyP: number;
  /** Views of the instance's memory, which never grows after the tables are in. */
  samples: Float32Array;
  out: Float64Array;
  energy: Float64Array;
};
type KernelExports = {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  heapBase(): number;
  layout(n: number, frame: number, hop: number, filters: number, coeffs: number, alpha: number, base: number): number;
  table(i: number): number;
  prepare(): void;
  frames: Kernel["frames"];
};

const KERNEL_FRAMES = 256;
/** What this file uses of the WebAssembly API (the project's libs, es2024 and node's, leave it out). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};
let compiled: object | undefined;

/** A kernel instance with the tables of one setting in its memory. */
function kernelFor(t: Tables): Kernel {
  compiled ??= new WebAssembly.Module(readFileSync(new URL("./mfcc.wasm", import.meta.url)));
  const ex = new WebAssembly.Instance(compiled, {}).exports as unknown as KernelExports;
  const tablesEnd = ex.layout(t.fftSize, t.frameLen, t.hop, t.filterCount, t.coefficients, t.alpha, ex.heapBase());
  const sampleCount = (KERNEL_FRAMES - 1) * t.hop + t.frameLen + 1;
  const samplesP = tablesEnd;
  const outP = samplesP + ((sampleCount * 4 + 15) & ~15);
  const energyP = outP + KERNEL_FRAMES * t.coefficients * 8;
  const end = energyP + KERNEL_FRAMES * 8;
  const have = ex.memory.buffer.byteLength;
  if (end > have) ex.memory.grow(Math.ceil((end - have) / 65_536));
  const buf = ex.memory.buffer;
  // fft.ts's tables: the bit reversal of the half-size transform, the twiddles of the full size.
  const m = t.fftSize >> 1;
  new Uint32Array(buf, ex.table(0), m).set(planOf(m).rev);
  const { cos, sin } = planOf(t.fftSize);
  new Float64Array(buf, ex.table(1), m).set(cos);
  new Float64Array(buf, ex.table(2), m).set(sin);
  new Float64Array(buf, ex.table(3), t.frameLen).set(t.window);
  new Float64Array(buf, ex.table(4), t.weights.length).set(t.weights);
  new Int32Array(buf, ex.table(5), t.filterCount).set(t.spanFrom);
  new Int32Array(buf, ex.table(6), t.filterCount).set(t.spanTo);
  new Float64Array(buf, ex.table(7), t.dct.length).set(t.dct);
  ex.prepare();
  return {
    frames: ex.frames,
    samplesP,
    outP,
    energyP,
    samples: new Float32Array(buf, samplesP, sampleCount),
    out: new Float64Array(buf, outP, KERNEL_FRAMES * t.coefficients),
    energy: new Float64Array(buf, energyP, KERNEL_FRAMES),
  };
}

/** Plans by their settings: a service sees one or two, and building one costs a few hundred microseconds. */
const plans = new Map<string, MfccPlan>();

function planFor(sampleRate: number, opts: MfccOptions): MfccPlan {
  const frameLen = Math.round((opts.frameSec ?? 0.025) * sampleRate);
  const hop = Math.round((opts.hopSec ?? 0.01) * sampleRate);
  const fftSize = opts.fftSize ?? 2 ** Math.ceil(Math.log2(frameLen));
  // The kernel's transform is radix 2 over half the size, as fft.ts's powerSpectrum, which refused others.
  if (fftSize < 4 || (fftSize & (fftSize - 1)) !== 0) throw new Error(`FFT size must be a power of two, got ${fftSize}`);
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
  const coefficients = dctRows.length;
  const kernel = kernelFor({ fftSize, frameLen, hop, alpha, coefficients, filterCount: filters.length, window, weights, spanFrom, spanTo, dct });
  const plan: MfccPlan = { frameLen, hop, coefficients, kernel };
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

/**
 * Frames [from, to) into `into`: their rows are views of one array per call, not an array each
 * (a small typed array's memory is a malloc of its own, freed by the collector: 2,880 a job of 28.8 s).
 */
export function extractFrames(x: MfccExtractor, from: number, to: number, into: Features): void {
  const end = Math.min(to, x.frames);
  if (end <= from) return;
  const { coefficients, hop, frameLen, kernel: k } = x.plan;
  const block = new Float64Array((end - from) * coefficients);
  for (let f0 = from; f0 < end; f0 += KERNEL_FRAMES) {
    const f1 = Math.min(end, f0 + KERNEL_FRAMES);
    // The block's samples, and the one before its first frame (pre-emphasis reads it).
    const lo = Math.max(0, f0 * hop - 1);
    k.samples.set(x.samples.subarray(lo, (f1 - 1) * hop + frameLen));
    // The kernel reads frame f at its base + 4 f hop: a base below the copy (it wraps in 32 bits).
    k.frames(k.samplesP - lo * 4, f0, f1, k.outP, k.energyP);
    block.set(k.out.subarray(0, (f1 - f0) * coefficients), (f0 - from) * coefficients);
    into.logEnergy.set(k.energy.subarray(0, f1 - f0), f0);
  }
  for (let f = from; f < end; f++) {
    const at = (f - from) * coefficients;
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
