/**
 * The MFCC kernel of the diarizer (AssemblyScript, compiled to src/diarization/mfcc.wasm by
 * `pnpm --filter @mp4t/diarizer build:wasm`; a test checks the committed module is this source's).
 *
 * One instance per setting (src/diarization/mfcc.ts): `layout` places the tables and work space
 * after the module's own data, the caller fills the tables (the same numbers the TypeScript plan
 * computes), then `frames` turns a range of frames into coefficients and log energies. Frame by
 * frame it is the computation the diarizer made in TypeScript before (fft.ts's powerSpectrum and
 * the loop over its bins), in the same order of operations on doubles: pre-emphasis and Hamming window, the real FFT packed into a complex
 * one of half the size (bit-reversed order, radix-2^2 butterflies, untangled), the mel filters
 * over their spans, the log, the DCT. Only `Math.log` is this runtime's own (within an ulp). The
 * two-stage passes of the FFT run two butterflies at once in SIMD vectors (f64x2, lane for lane
 * the scalar operations, so the same results); Node has had wasm SIMD since 16.
 */

let N: i32 = 0; // FFT size over the real frame
let M: i32 = 0; // N / 2: the complex transform's size
let BINS: i32 = 0; // M + 1
let FRAME: i32 = 0;
let HOP: i32 = 0;
let FILTERS: i32 = 0;
let COEFFS: i32 = 0;
let ALPHA: f64 = 0;
let revP: usize = 0; // u32 x M: bit reversal of M
let cosP: usize = 0; // f64 x N/2: e^{-2 pi i k / N}; W_M^k is W_N^{2k}
let sinP: usize = 0;
let winP: usize = 0; // f64 x FRAME
let weightsP: usize = 0; // f64 x FILTERS * BINS
let fromP: usize = 0; // i32 x FILTERS: each filter's first and last non-zero bin
let toP: usize = 0;
let dctP: usize = 0; // f64 x COEFFS * FILTERS
let reP: usize = 0; // f64 x M
let imP: usize = 0;
let powP: usize = 0; // f64 x BINS
let bufP: usize = 0; // f64 x FRAME
let melP: usize = 0; // f64 x FILTERS
let twP: usize = 0; // per radix-2^2 pass of half-size h: w1 re, w1 im, w2 re, w2 im, h f64 each (see prepare)

/** Where the tables may start: after the module's own data (its log's tables among them). */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/** Places the tables and work space from `base`; returns their end (the caller grows memory to it). */
export function layout(n: i32, frame: i32, hop: i32, filters: i32, coeffs: i32, alpha: f64, base: usize): usize {
  N = n;
  M = n >> 1;
  BINS = M + 1;
  FRAME = frame;
  HOP = hop;
  FILTERS = filters;
  COEFFS = coeffs;
  ALPHA = alpha;
  let p = base;
  revP = p;
  p += (<usize>M) << 2;
  p = (p + 7) & ~7;
  cosP = p;
  p += (<usize>(N >> 1)) << 3;
  sinP = p;
  p += (<usize>(N >> 1)) << 3;
  winP = p;
  p += (<usize>FRAME) << 3;
  weightsP = p;
  p += (<usize>(FILTERS * BINS)) << 3;
  dctP = p;
  p += (<usize>(COEFFS * FILTERS)) << 3;
  reP = p;
  p += (<usize>M) << 3;
  imP = p;
  p += (<usize>M) << 3;
  powP = p;
  p += (<usize>BINS) << 3;
  bufP = p;
  p += (<usize>FRAME) << 3;
  melP = p;
  p += (<usize>FILTERS) << 3;
  fromP = p;
  p += (<usize>FILTERS) << 2;
  toP = p;
  p += (<usize>FILTERS) << 2;
  p = (p + 15) & ~15;
  twP = p;
  for (let len = 8; 2 * len <= M; len <<= 2) p += (<usize>(len >> 1)) << 5;
  return (p + 15) & ~15;
}

/** Where table `i` is, for the caller to fill: 0 rev, 1 cos, 2 sin, 3 window, 4 weights, 5 from, 6 to, 7 dct. */
export function table(i: i32): usize {
  if (i == 0) return revP;
  if (i == 1) return cosP;
  if (i == 2) return sinP;
  if (i == 3) return winP;
  if (i == 4) return weightsP;
  if (i == 5) return fromP;
  if (i == 6) return toP;
  if (i == 7) return dctP;
  return 0;
}

/**
 * Once the tables are in: each two-stage pass's twiddles, copied from the W_N tables in the order
 * its butterflies take them, so that two neighbouring butterflies load theirs as one vector.
 */
export function prepare(): void {
  let p = twP;
  for (let len = 8; 2 * len <= M; len <<= 2) {
    const h = len >> 1;
    const step1 = (M / len) << 1;
    const step2 = step1 >> 1;
    for (let k = 0; k < h; k++) {
      st(p, k, ld(cosP, k * step1));
      st(p, h + k, ld(sinP, k * step1));
      st(p, 2 * h + k, ld(cosP, k * step2));
      st(p, 3 * h + k, ld(sinP, k * step2));
    }
    p += (<usize>h) << 5;
  }
}

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f64 {
  return load<f64>(p + ((<usize>i) << 3));
}
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f64): void {
  store<f64>(p + ((<usize>i) << 3), v);
}

/** The butterflies of the M-point transform over (re, im), already in bit-reversed order (see fft.ts). */
function butterflies(): void {
  const n = M;
  const re = reP;
  const im = imP;
  let len = 2;
  if (n >= 4) {
    for (let i = 0; i < n; i += 4) {
      const s0r = ld(re, i) + ld(re, i + 1);
      const s0i = ld(im, i) + ld(im, i + 1);
      const d0r = ld(re, i) - ld(re, i + 1);
      const d0i = ld(im, i) - ld(im, i + 1);
      const s1r = ld(re, i + 2) + ld(re, i + 3);
      const s1i = ld(im, i + 2) + ld(im, i + 3);
      const d1r = ld(re, i + 2) - ld(re, i + 3);
      const d1i = ld(im, i + 2) - ld(im, i + 3);
      st(re, i, s0r + s1r);
      st(im, i, s0i + s1i);
      st(re, i + 2, s0r - s1r);
      st(im, i + 2, s0i - s1i);
      st(re, i + 1, d0r + d1i);
      st(im, i + 1, d0i - d1r);
      st(re, i + 3, d0r - d1i);
      st(im, i + 3, d0i + d1r);
    }
    len = 8;
  }
  // Two stages per pass (h = len / 2 >= 4), butterflies k and k + 1 side by side in the two lanes
  // of a vector: the same operations on doubles as one at a time, so the same results.
  let tw = twP;
  for (; 2 * len <= n; len <<= 2) {
    const h = len >> 1;
    const hb = (<usize>h) << 3;
    for (let i = 0; i < n; i += 2 * len) {
      for (let k = 0; k < h; k += 2) {
        const a = (<usize>(i + k)) << 3;
        const b = a + hb;
        const c = a + ((<usize>len) << 3);
        const d = c + hb;
        const t = tw + ((<usize>k) << 3);
        const w1r = v128.load(t);
        const w1i = v128.load(t + hb);
        const w2r = v128.load(t + 2 * hb);
        const w2i = v128.load(t + 3 * hb);
        const ar = v128.load(re + a);
        const ai = v128.load(im + a);
        const br = v128.load(re + b);
        const bi = v128.load(im + b);
        const cr = v128.load(re + c);
        const ci = v128.load(im + c);
        const dr = v128.load(re + d);
        const di = v128.load(im + d);
        const xbr = f64x2.sub(f64x2.mul(br, w1r), f64x2.mul(bi, w1i));
        const xbi = f64x2.add(f64x2.mul(br, w1i), f64x2.mul(bi, w1r));
        const xdr = f64x2.sub(f64x2.mul(dr, w1r), f64x2.mul(di, w1i));
        const xdi = f64x2.add(f64x2.mul(dr, w1i), f64x2.mul(di, w1r));
        const a1r = f64x2.add(ar, xbr);
        const a1i = f64x2.add(ai, xbi);
        const b1r = f64x2.sub(ar, xbr);
        const b1i = f64x2.sub(ai, xbi);
        const c1r = f64x2.add(cr, xdr);
        const c1i = f64x2.add(ci, xdi);
        const d1r = f64x2.sub(cr, xdr);
        const d1i = f64x2.sub(ci, xdi);
        const ycr = f64x2.sub(f64x2.mul(c1r, w2r), f64x2.mul(c1i, w2i));
        const yci = f64x2.add(f64x2.mul(c1r, w2i), f64x2.mul(c1i, w2r));
        const ydr = f64x2.add(f64x2.mul(d1r, w2i), f64x2.mul(d1i, w2r));
        const ydi = f64x2.neg(f64x2.sub(f64x2.mul(d1r, w2r), f64x2.mul(d1i, w2i)));
        v128.store(re + a, f64x2.add(a1r, ycr));
        v128.store(im + a, f64x2.add(a1i, yci));
        v128.store(re + c, f64x2.sub(a1r, ycr));
        v128.store(im + c, f64x2.sub(a1i, yci));
        v128.store(re + b, f64x2.add(b1r, ydr));
        v128.store(im + b, f64x2.add(b1i, ydi));
        v128.store(re + d, f64x2.sub(b1r, ydr));
        v128.store(im + d, f64x2.sub(b1i, ydi));
      }
    }
    tw += hb << 2;
  }
  for (; len <= n; len <<= 1) {
    const half = len >> 1;
    const step = (n / len) << 1;
    for (let i = 0; i < n; i += len) {
      for (let k = 0, t = 0; k < half; k++, t += step) {
        const a = i + k;
        const b = a + half;
        const cr = ld(cosP, t);
        const ci = ld(sinP, t);
        const br = ld(re, b);
        const bi = ld(im, b);
        const xr = br * cr - bi * ci;
        const xi = br * ci + bi * cr;
        const ar = ld(re, a);
        const ai = ld(im, a);
        st(re, b, ar - xr);
        st(im, b, ai - xi);
        st(re, a, ar + xr);
        st(im, a, ai + xi);
      }
    }
  }
}

/**
 * Frames [from, to): frame f reads the f32 samples from `samplesP + 4 f HOP` (and the one before,
 * for pre-emphasis, when f > 0); its coefficients go to `outP + 8 COEFFS (f - from)`, its log
 * energy to `energyP + 8 (f - from)`.
 */
export function frames(samplesP: usize, from: i32, to: i32, outP: usize, energyP: usize): void {
  const m = M;
  const len = FRAME < N ? FRAME : N;
  const full = len >> 1;
  for (let f = from; f < to; f++) {
    const at = f * HOP;
    let energy: f64 = 0;
    let prev: f64 = at > 0 ? <f64>load<f32>(samplesP + ((<usize>(at - 1)) << 2)) : 0;
    for (let n = 0; n < FRAME; n++) {
      const v = <f64>load<f32>(samplesP + ((<usize>(at + n)) << 2));
      energy += v * v;
      st(bufP, n, (v - ALPHA * prev) * ld(winP, n));
      prev = v;
    }
    // Even samples real, odd imaginary, straight into bit-reversed order.
    for (let k = 0; k < full; k++) {
      const r = <i32>load<u32>(revP + ((<usize>k) << 2));
      st(reP, r, ld(bufP, 2 * k));
      st(imP, r, ld(bufP, 2 * k + 1));
    }
    for (let k = full; k < m; k++) {
      const r = <i32>load<u32>(revP + ((<usize>k) << 2));
      st(reP, r, 2 * k < len ? ld(bufP, 2 * k) : 0);
      st(imP, r, 0);
    }
    butterflies();
    const r0 = ld(reP, 0);
    const i0 = ld(imP, 0);
    st(powP, 0, (r0 + i0) * (r0 + i0));
    st(powP, m, (r0 - i0) * (r0 - i0));
    for (let k = 1; k < m; k++) {
      const zr = ld(reP, k);
      const zi = ld(imP, k);
      const yr = ld(reP, m - k);
      const yi = ld(imP, m - k);
      const or = zi + yi;
      const oi = yr - zr;
      const c = ld(cosP, k);
      const s = ld(sinP, k);
      const xr = zr + yr + c * or - s * oi;
      const xi = zi - yi + c * oi + s * or;
      st(powP, k, 0.25 * (xr * xr + xi * xi));
    }
    for (let q = 0; q < FILTERS; q++) {
      const row = q * BINS;
      const last = load<i32>(toP + ((<usize>q) << 2));
      let e: f64 = 0;
      for (let k = load<i32>(fromP + ((<usize>q) << 2)); k <= last; k++) e += ld(weightsP, row + k) * ld(powP, k);
      st(melP, q, Math.log(Math.max(e, 1e-10)));
    }
    const o = outP + ((<usize>((f - from) * COEFFS)) << 3);
    for (let k = 0; k < COEFFS; k++) {
      const row = k * FILTERS;
      let s: f64 = 0;
      for (let q = 0; q < FILTERS; q++) s += ld(dctP, row + q) * ld(melP, q);
      store<f64>(o + ((<usize>k) << 3), s);
    }
    store<f64>(energyP + ((<usize>(f - from)) << 3), Math.log(energy / FRAME + 1e-10));
  }
}
