/** Bit-reversal permutation and twiddles (e^{-2πik/n}, k < n/2) of one FFT size, made once per size. */
type Plan = { rev: Uint32Array; cos: Float64Array; sin: Float64Array };
const plans = new Map<number, Plan>();

function planOf(n: number): Plan {
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
  const { rev, cos, sin } = planOf(n);
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
  for (let len = 2, step = n >> 1; len <= n; len <<= 1, step >>= 1) {
    const half = len >> 1;
    for (let i = 0; i < n; i += len) {
      for (let k = 0, t = 0; k < half; k++, t += step) {
        const a = i + k;
        const b = a + half;
        const cr = cos[t]!;
        const ci = sin[t]!;
        const xr = re[b]! * cr - im[b]! * ci;
        const xi = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
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
 * untangled: half the work of a complex FFT of the padded frame (the diarizer's MFCCs run one
 * per 10 ms of audio). `scratch` (each array at least n long) saves allocations per frame.
 */
export function powerSpectrum(frame: ArrayLike<number>, n: number, scratch?: { re: Float64Array; im: Float64Array; out?: Float64Array }): Float64Array {
  if (n < 4 || (n & (n - 1)) !== 0) throw new Error(`FFT size must be a power of two, got ${n}`);
  const m = n >> 1;
  const re = scratch?.re ?? new Float64Array(m);
  const im = scratch?.im ?? new Float64Array(m);
  const len = Math.min(n, frame.length);
  for (let k = 0; k < m; k++) {
    re[k] = 2 * k < len ? frame[2 * k]! : 0;
    im[k] = 2 * k + 1 < len ? frame[2 * k + 1]! : 0;
  }
  transform(re, im, m);
  const { cos, sin } = planOf(n);
  const out = scratch?.out && scratch.out.length === m + 1 ? scratch.out : new Float64Array(m + 1);
  // X[k] = E[k] + W^k O[k], with E = (Z[k] + conj Z[m-k]) / 2 and O = (Z[k] - conj Z[m-k]) / 2i.
  for (let k = 0; k <= m; k++) {
    const a = k === m ? 0 : k;
    const b = k === 0 ? 0 : m - k;
    const zr = re[a]!;
    const zi = im[a]!;
    const yr = re[b]!;
    const yi = im[b]!;
    const er = (zr + yr) / 2;
    const ei = (zi - yi) / 2;
    const or = (zi + yi) / 2;
    const oi = (yr - zr) / 2;
    const c = k === m ? -1 : cos[k]!;
    const s = k === m ? 0 : sin[k]!;
    const xr = er + c * or - s * oi;
    const xi = ei + c * oi + s * or;
    out[k] = xr * xr + xi * xi;
  }
  return out;
}
