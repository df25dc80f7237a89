/**
 * Bit-reversal permutation and twiddles (e^{-2πik/n}, k < n/2) of one FFT size, made once per
 * size; the MFCC kernel (mfcc.ts) is given the same tables.
 */
export type FftPlan = { rev: Uint32Array; cos: Float64Array; sin: Float64Array };
const plans = new Map<number, FftPlan>();

export function planOf(n: number): FftPlan {
  let p = plans.get(n);
  if (p) return p;
  const rev = new Uint32Array(n);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    rev[i] = j;
  }
  const cos = new Float64Array(n >> 1);
  const sin = new Float64Array(n >> 1);
  for (let k = 0; k < n >> 1; k++) {
    cos[k] = Math.cos((-2 * Math.PI * k) / n);
    sin[k] = Math.sin((-2 * Math.PI * k) / n);
  }
  p = { rev, cos, sin };
  plans.set(n, p);
  return p;
}

/** The first `n` entries of (re, im), transformed in place; `n` is a power of two. */
function transform(re: Float64Array, im: Float64Array, n: number): void {
  const { rev } = planOf(n);
  for (let i = 1; i < n; i++) {
    const j = rev[i]!;
    if (i < j) {
      const tr = re[i]!;
      re[i] = re[j]!;
      re[j] = tr;
      const ti = im[i]!;
      im[i] = im[j]!;
      im[j] = ti;
    }
  }
  butterflies(re, im, n);
}

/**
 * The butterflies of a radix-2 FFT over input already in bit-reversed order. The first two
 * stages have the twiddles 1 and -i, so they run as one pass without multiplications; the rest
 * run two stages per pass (radix 2^2: each element loaded and stored once per pair of stages, half
 * the memory traffic and loop overhead of one pass per stage), and a last single stage if their
 * count is odd.
 */
function butterflies(re: Float64Array, im: Float64Array, n: number): void {
  const { cos, sin } = planOf(n);
  let len = 2;
  if (n >= 4) {
    for (let i = 0; i < n; i += 4) {
      const s0r = re[i]! + re[i + 1]!;
      const s0i = im[i]! + im[i + 1]!;
      const d0r = re[i]! - re[i + 1]!;
      const d0i = im[i]! - im[i + 1]!;
      const s1r = re[i + 2]! + re[i + 3]!;
      const s1i = im[i + 2]! + im[i + 3]!;
      const d1r = re[i + 2]! - re[i + 3]!;
      const d1i = im[i + 2]! - im[i + 3]!;
      re[i] = s0r + s1r;
      im[i] = s0i + s1i;
      re[i + 2] = s0r - s1r;
      im[i + 2] = s0i - s1i;
      // d1 times -i is (d1i, -d1r)
      re[i + 1] = d0r + d1i;
      im[i + 1] = d0i - d1r;
      re[i + 3] = d0r - d1i;
      im[i + 3] = d0i + d1r;
    }
    len = 8;
  }
  // Stages `len` and `2 len` in one pass over blocks of 2 len. With h = len / 2 and k < h, stage
  // `len` pairs (a, b) and (c, d) (b = a + h, c = a + len, d = c + h) under w1 = W_len^k; stage
  // `2 len` then pairs (a, c) under w2 = W_2len^k and (b, d) under W_2len^(k+h) = -i w2.
  for (; 2 * len <= n; len <<= 2) {
    const h = len >> 1;
    const step1 = n / len;
    const step2 = step1 >> 1;
    for (let i = 0; i < n; i += 2 * len) {
      for (let k = 0; k < h; k++) {
        const a = i + k;
        const b = a + h;
        const c = a + len;
        const d = c + h;
        const w1r = cos[k * step1]!;
        const w1i = sin[k * step1]!;
        const w2r = cos[k * step2]!;
        const w2i = sin[k * step2]!;
        const ar = re[a]!;
        const ai = im[a]!;
        const br = re[b]!;
        const bi = im[b]!;
        const cr = re[c]!;
        const ci = im[c]!;
        const dr = re[d]!;
        const di = im[d]!;
        // stage len
        const xbr = br * w1r - bi * w1i;
        const xbi = br * w1i + bi * w1r;
        const xdr = dr * w1r - di * w1i;
        const xdi = dr * w1i + di * w1r;
        const a1r = ar + xbr;
        const a1i = ai + xbi;
        const b1r = ar - xbr;
        const b1i = ai - xbi;
        const c1r = cr + xdr;
        const c1i = ci + xdi;
        const d1r = cr - xdr;
        const d1i = ci - xdi;
        // stage 2 len: c1 w2, and d1 w2 times -i, which is (im, -re)
        const ycr = c1r * w2r - c1i * w2i;
        const yci = c1r * w2i + c1i * w2r;
        const ydr = d1r * w2i + d1i * w2r;
        const ydi = -(d1r * w2r - d1i * w2i);
        re[a] = a1r + ycr;
        im[a] = a1i + yci;
        re[c] = a1r - ycr;
        im[c] = a1i - yci;
        re[b] = b1r + ydr;
        im[b] = b1i + ydi;
        re[d] = b1r - ydr;
        im[d] = b1i - ydi;
      }
    }
  }
  for (; len <= n; len <<= 1) {
    const half = len >> 1;
    const step = n / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0, t = 0; k < half; k++, t += step) {
        const a = i + k;
        const b = a + half;
        const cr = cos[t]!;
        const ci = sin[t]!;
        const br = re[b]!;
        const bi = im[b]!;
        const xr = br * cr - bi * ci;
        const xi = br * ci + bi * cr;
        const ar = re[a]!;
        const ai = im[a]!;
        re[b] = ar - xr;
        im[b] = ai - xi;
        re[a] = ar + xr;
        im[a] = ai + xi;
      }
    }
  }
}

/** In-place iterative radix-2 FFT of (re, im); the length must be a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (n !== im.length || (n & (n - 1)) !== 0) throw new Error(`FFT size must be a power of two, got ${n}`);
  transform(re, im, n);
}

/**
 * |X[k]|^2 for k = 0..n/2 of a real signal, zero-padded to n. The n real samples are packed
 * into n/2 complex ones (even samples real, odd imaginary), transformed at half the size and
 * untangled: half the work of a complex FFT of the padded frame. The MFCC kernel
 * (wasm/mfcc.ts) runs this same computation in WebAssembly; this is the reference its test holds
 * it to (test/mfcc-reference.ts). `scratch` (each array at least n long) saves allocations per frame.
 */
export function powerSpectrum(frame: ArrayLike<number>, n: number, scratch?: { re: Float64Array; im: Float64Array; out?: Float64Array }): Float64Array {
  if (n < 4 || (n & (n - 1)) !== 0) throw new Error(`FFT size must be a power of two, got ${n}`);
  const m = n >> 1;
  const re = scratch?.re ?? new Float64Array(m);
  const im = scratch?.im ?? new Float64Array(m);
  const len = Math.min(n, frame.length);
  // Packed straight into bit-reversed order: the transform then needs no permutation pass.
  const { rev } = planOf(m);
  const full = len >> 1;
  for (let k = 0; k < full; k++) {
    const at = rev[k]!;
    re[at] = frame[2 * k]!;
    im[at] = frame[2 * k + 1]!;
  }
  for (let k = full; k < m; k++) {
    const at = rev[k]!;
    re[at] = 2 * k < len ? frame[2 * k]! : 0;
    im[at] = 0;
  }
  butterflies(re, im, m);
  const { cos, sin } = planOf(n);
  const out = scratch?.out && scratch.out.length === m + 1 ? scratch.out : new Float64Array(m + 1);
  // X[k] = E[k] + W^k O[k], with E = (Z[k] + conj Z[m-k]) / 2 and O = (Z[k] - conj Z[m-k]) / 2i;
  // the halves are left out below and |X|^2 scaled by 1/4 once instead.
  // k = 0 and k = m both pair Z[0] with itself (W^0 = 1, W^m = -1).
  out[0] = (re[0]! + im[0]!) ** 2;
  out[m] = (re[0]! - im[0]!) ** 2;
  for (let k = 1; k < m; k++) {
    const zr = re[k]!;
    const zi = im[k]!;
    const yr = re[m - k]!;
    const yi = im[m - k]!;
    const or = zi + yi;
    const oi = yr - zr;
    const c = cos[k]!;
    const s = sin[k]!;
    const xr = zr + yr + c * or - s * oi;
    const xi = zi - yi + c * oi + s * or;
    out[k] = 0.25 * (xr * xr + xi * xi);
  }
  return out;
}
