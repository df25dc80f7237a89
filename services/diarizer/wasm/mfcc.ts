/**
 * The MFCC kernel of the diarizer (AssemblyScript, compiled to src/diarization/mfcc.wasm by
 * `pnpm --filter @mp4t/diarizer build:wasm`; a test checks the committed module is this source's).
 *
 * One instance per setting (src/diarization/mfcc.ts): `layout` places the tables and work space
 * after the module's own data, the caller fills the tables (the same numbers the TypeScript plan
 * computes), then `frames` turns a range of frames into coefficients and log energies. Frame by
 * frame it is the computation the diarizer made in TypeScript before (fft.ts's powerSpectrum and
 * the loop over its bins, kept as test/mfcc-reference.ts), on doubles: pre-emphasis and Hamming
 * window, the real FFT packed into a complex one of half the size (bit-reversed order, radix-2^2
 * butterflies, untangled), the mel filters over their spans, the log, the DCT. Most of it runs two
 * lanes at a time in SIMD vectors (f64x2; Node has had wasm SIMD since 16): samples 2k and 2k + 1
 * windowed together (the real and imaginary part of one complex input), two butterflies of each
 * two-stage pass, two bins untangled, two products of a filter or of the DCT summed; the FFT's
 * first pass (no multiplications), a last single stage and the logs stay scalar. Lane for lane
 * these are the scalar operations, so the transform's results are the same; the sums (energy,
 * filters, DCT) add their two lanes at the end, another order than one by one: equal to about
 * 1e-14. Only `Math.log` is this runtime's own (within an ulp).
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
  const alpha = f64x2.splat(ALPHA);
  const quarter = f64x2.splat(0.25);
  for (let f = from; f < to; f++) {
    const at = f * HOP;
    const s = samplesP + ((<usize>at) << 2);
    // Pre-emphasis and window of samples 2k and 2k + 1 as one vector, straight into bit-reversed
    // order (even samples real, odd imaginary); their squares summed two by two.
    let energy2 = f64x2.splat(0);
    for (let k = 0; k < full; k++) {
      const o = (<usize>k) << 3;
      const v = f64x2.promote_low_f32x4(v128.load64_zero(s + o));
      // The sample before each: the recording's first has none (0).
      const p = k > 0 || at > 0 ? f64x2.promote_low_f32x4(v128.load64_zero(s + o - 4)) : f64x2.replace_lane(f64x2.shuffle(v, v, 0, 0), 0, 0);
      const x = f64x2.mul(f64x2.sub(v, f64x2.mul(alpha, p)), v128.load(winP + (o << 1)));
      const r = <i32>load<u32>(revP + ((<usize>k) << 2));
      st(reP, r, f64x2.extract_lane(x, 0));
      st(imP, r, f64x2.extract_lane(x, 1));
      energy2 = f64x2.add(energy2, f64x2.mul(v, v));
    }
    let energy: f64 = f64x2.extract_lane(energy2, 0) + f64x2.extract_lane(energy2, 1);
    // The rest of the frame: a last sample of an odd length, and samples past the FFT's size (energy only).
    for (let n = full << 1; n < FRAME; n++) {
      const v = <f64>load<f32>(s + ((<usize>n) << 2));
      energy += v * v;
      if (n < len) {
        const prev: f64 = n > 0 || at > 0 ? <f64>load<f32>(s + ((<usize>n) << 2) - 4) : 0;
        const r = <i32>load<u32>(revP + ((<usize>full) << 2));
        st(reP, r, (v - ALPHA * prev) * ld(winP, n));
        st(imP, r, 0);
      }
    }
    for (let k = full + (len & 1); k < m; k++) {
      const r = <i32>load<u32>(revP + ((<usize>k) << 2));
      st(reP, r, 0);
      st(imP, r, 0);
    }
    butterflies();
    const r0 = ld(reP, 0);
    const i0 = ld(imP, 0);
    st(powP, 0, (r0 + i0) * (r0 + i0));
    st(powP, m, (r0 - i0) * (r0 - i0));
    // Bins k and k + 1 at once: Z[m - k] and Z[m - k - 1] are neighbours too, loaded as one vector and swapped.
    let b = 1;
    for (; b + 1 < m; b += 2) {
      const o = (<usize>b) << 3;
      const mo = (<usize>(m - b - 1)) << 3;
      const zr = v128.load(reP + o);
      const zi = v128.load(imP + o);
      const yr0 = v128.load(reP + mo);
      const yi0 = v128.load(imP + mo);
      const yr = f64x2.shuffle(yr0, yr0, 1, 0);
      const yi = f64x2.shuffle(yi0, yi0, 1, 0);
      const or = f64x2.add(zi, yi);
      const oi = f64x2.sub(yr, zr);
      const c = v128.load(cosP + o);
      const sn = v128.load(sinP + o);
      const xr = f64x2.sub(f64x2.add(f64x2.add(zr, yr), f64x2.mul(c, or)), f64x2.mul(sn, oi));
      const xi = f64x2.add(f64x2.add(f64x2.sub(zi, yi), f64x2.mul(c, oi)), f64x2.mul(sn, or));
      v128.store(powP + o, f64x2.mul(quarter, f64x2.add(f64x2.mul(xr, xr), f64x2.mul(xi, xi))));
    }
    for (; b < m; b++) {
      const zr = ld(reP, b);
      const zi = ld(imP, b);
      const yr = ld(reP, m - b);
      const yi = ld(imP, m - b);
      const or = zi + yi;
      const oi = yr - zr;
      const c = ld(cosP, b);
      const sn = ld(sinP, b);
      const xr = zr + yr + c * or - sn * oi;
      const xi = zi - yi + c * oi + sn * or;
      st(powP, b, 0.25 * (xr * xr + xi * xi));
    }
    // Each filter over its span, two bins at a time.
    for (let q = 0; q < FILTERS; q++) {
      const row = weightsP + ((<usize>(q * BINS)) << 3);
      const last = load<i32>(toP + ((<usize>q) << 2));
      let j = load<i32>(fromP + ((<usize>q) << 2));
      let acc = f64x2.splat(0);
      for (; j < last; j += 2) {
        const o = (<usize>j) << 3;
        acc = f64x2.add(acc, f64x2.mul(v128.load(row + o), v128.load(powP + o)));
      }
      let e: f64 = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      if (j == last) e += load<f64>(row + ((<usize>j) << 3)) * ld(powP, j);
      st(melP, q, Math.log(Math.max(e, 1e-10)));
    }
    const out = outP + ((<usize>((f - from) * COEFFS)) << 3);
    const pairs = FILTERS & ~1;
    for (let c = 0; c < COEFFS; c++) {
      const row = dctP + ((<usize>(c * FILTERS)) << 3);
      let acc = f64x2.splat(0);
      for (let q = 0; q < pairs; q += 2) {
        const o = (<usize>q) << 3;
        acc = f64x2.add(acc, f64x2.mul(v128.load(row + o), v128.load(melP + o)));
      }
      let sum: f64 = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      if (pairs < FILTERS) sum += load<f64>(row + ((<usize>pairs) << 3)) * ld(melP, pairs);
      store<f64>(out + ((<usize>c) << 3), sum);
    }
    store<f64>(energyP + ((<usize>(f - from)) << 3), Math.log(energy / FRAME + 1e-10));
  }
}
