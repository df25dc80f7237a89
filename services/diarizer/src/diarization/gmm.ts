/** A mixture of diagonal Gaussians over feature vectors of `dims` dimensions. */
export type Gmm = { weights: Float64Array; means: Float64Array[]; variances: Float64Array[] };

const VAR_FLOOR = 1e-2;
const LOG_2PI = Math.log(2 * Math.PI);

/** Small deterministic generator (LCG), so training is repeatable for a given input. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
}

/** Per-component constants of the log density: log w - 0.5 (D log 2pi + sum log var). */
function constants(g: Gmm): Float64Array {
  const out = new Float64Array(g.weights.length);
  for (let m = 0; m < out.length; m++) {
    const variance = g.variances[m]!;
    let s = 0;
    for (let d = 0; d < variance.length; d++) s += Math.log(variance[d]!);
    out[m] = Math.log(Math.max(g.weights[m]!, 1e-10)) - 0.5 * (g.means[m]!.length * LOG_2PI + s);
  }
  return out;
}

/** 1 / each variance, per component. */
function inverses(variances: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (const v of variances) {
    const inv = new Float64Array(v.length);
    for (let d = 0; d < v.length; d++) inv[d] = 1 / v[d]!;
    out.push(inv);
  }
  return out;
}

/**
 * A mixture made ready to score frames (`score`). A record and a function of the module, not a
 * closure per mixture: V8 compiles a closure made per job again for each job (see mfcc.ts).
 */
export type GmmScorer = { means: Float64Array[]; inv: Float64Array[]; k: Float64Array; scratch: Float64Array };

export function createScorer(g: Gmm): GmmScorer {
  return { means: g.means, inv: inverses(g.variances), k: constants(g), scratch: new Float64Array(g.weights.length) };
}

/** log p(x) under the mixture (log-sum-exp over components). */
export function score(s: GmmScorer, x: Float64Array): number {
  const { means, inv, k, scratch } = s;
  const comps = k.length;
  let max = -Infinity;
  for (let m = 0; m < comps; m++) {
    const mu = means[m]!;
    const iv = inv[m]!;
    let q = 0;
    for (let d = 0; d < mu.length; d++) q += (x[d]! - mu[d]!) ** 2 * iv[d]!;
    const l = k[m]! - 0.5 * q;
    scratch[m] = l;
    if (l > max) max = l;
  }
  let sum = 0;
  for (let m = 0; m < comps; m++) sum += Math.exp(scratch[m]! - max);
  return max + Math.log(sum);
}

/**
 * Trains a diagonal GMM by EM: components start on evenly spaced frames of the data, then
 * `iterations` rounds of EM. At most `maxFrames` frames are used (an even stride), which bounds
 * the time a long cluster costs without changing what it models. Components that lose all their
 * frames are re-seeded on a random frame.
 */
export function trainGmm(frames: Float64Array[], components: number, opts: { iterations?: number; maxFrames?: number; seed?: number } = {}): Gmm {
  const stride = Math.max(1, Math.ceil(frames.length / (opts.maxFrames ?? 6000)));
  let data = frames;
  if (stride > 1) {
    data = [];
    for (let i = 0; i < frames.length; i += stride) data.push(frames[i]!);
  }
  const dims = data[0]?.length ?? 0;
  const m = Math.max(1, Math.min(components, Math.floor(data.length / (2 * dims + 2))));
  const rand = lcg(opts.seed ?? 1);
  const global = { mean: new Float64Array(dims), variance: new Float64Array(dims) };
  for (const x of data) for (let d = 0; d < dims; d++) global.mean[d] = global.mean[d]! + x[d]! / data.length;
  for (const x of data) for (let d = 0; d < dims; d++) global.variance[d] = global.variance[d]! + (x[d]! - global.mean[d]!) ** 2 / data.length;
  for (let d = 0; d < dims; d++) global.variance[d] = Math.max(VAR_FLOOR, global.variance[d]!);
  let g: Gmm = {
    weights: new Float64Array(m).fill(1 / m),
    means: Array.from({ length: m }, (_, i) => Float64Array.from(data[Math.floor(((i + 0.5) * data.length) / m)] ?? global.mean)),
    variances: Array.from({ length: m }, () => Float64Array.from(global.variance)),
  };
  const post = new Float64Array(m);
  for (let it = 0; it < (opts.iterations ?? 6); it++) {
    const k = constants(g);
    const inv = inverses(g.variances);
    const n = new Float64Array(m);
    const s1 = Array.from({ length: m }, () => new Float64Array(dims));
    const s2 = Array.from({ length: m }, () => new Float64Array(dims));
    for (const x of data) {
      let max = -Infinity;
      for (let c = 0; c < m; c++) {
        let q = 0;
        const mu = g.means[c]!;
        const iv = inv[c]!;
        for (let d = 0; d < dims; d++) q += (x[d]! - mu[d]!) ** 2 * iv[d]!;
        post[c] = k[c]! - 0.5 * q;
        if (post[c]! > max) max = post[c]!;
      }
      let z = 0;
      for (let c = 0; c < m; c++) z += post[c] = Math.exp(post[c]! - max);
      for (let c = 0; c < m; c++) {
        const p = post[c]! / z;
        if (p < 1e-4) continue;
        n[c] = n[c]! + p;
        const a = s1[c]!;
        const b = s2[c]!;
        for (let d = 0; d < dims; d++) {
          a[d] = a[d]! + p * x[d]!;
          b[d] = b[d]! + p * x[d]! * x[d]!;
        }
      }
    }
    // The M step, in loops (closures made here would be compiled again for each job; see mfcc.ts).
    const weights = new Float64Array(m);
    const means: Float64Array[] = [];
    const variances: Float64Array[] = [];
    let total = 0;
    for (let c = 0; c < m; c++) {
      weights[c] = n[c]! / data.length;
      total += weights[c]!;
      if (n[c]! > 1) {
        const mean = new Float64Array(dims);
        const variance = new Float64Array(dims);
        for (let d = 0; d < dims; d++) {
          mean[d] = s1[c]![d]! / n[c]!;
          variance[d] = Math.max(VAR_FLOOR, s2[c]![d]! / n[c]! - (s1[c]![d]! / n[c]!) ** 2);
        }
        means.push(mean);
        variances.push(variance);
      } else {
        means.push(Float64Array.from(data[Math.floor(rand() * data.length)]!));
        variances.push(Float64Array.from(global.variance));
      }
    }
    for (let c = 0; c < m; c++) weights[c] = Math.max(weights[c]!, 1e-4) / total;
    g = { weights, means, variances };
  }
  return g;
}
