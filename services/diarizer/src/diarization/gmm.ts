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
  return Float64Array.from(g.weights, (w, m) => {
    let s = 0;
    for (const v of g.variances[m]!) s += Math.log(v);
    return Math.log(Math.max(w, 1e-10)) - 0.5 * (g.means[m]!.length * LOG_2PI + s);
  });
}

/** log p(x) under the mixture (log-sum-exp over components). */
export function createScorer(g: Gmm): (x: Float64Array) => number {
  const k = constants(g);
  const inv = g.variances.map((v) => v.map((x) => 1 / x));
  const comps = g.weights.length;
  const scratch = new Float64Array(comps);
  return (x) => {
    let max = -Infinity;
    for (let m = 0; m < comps; m++) {
      const mu = g.means[m]!;
      const iv = inv[m]!;
      let q = 0;
      for (let d = 0; d < mu.length; d++) q += (x[d]! - mu[d]!) ** 2 * iv[d]!;
      const l = k[m]! - 0.5 * q;
      scratch[m] = l;
      if (l > max) max = l;
    }
    let s = 0;
    for (let m = 0; m < comps; m++) s += Math.exp(scratch[m]! - max);
    return max + Math.log(s);
  };
}

/**
 * Trains a diagonal GMM by EM: components start on evenly spaced frames of the data, then
 * `iterations` rounds of EM. At most `maxFrames` frames are used (an even stride), which bounds
 * the time a long cluster costs without changing what it models. Components that lose all their
 * frames are re-seeded on a random frame.
 */
export function trainGmm(frames: Float64Array[], components: number, opts: { iterations?: number; maxFrames?: number; seed?: number } = {}): Gmm {
  const stride = Math.max(1, Math.ceil(frames.length / (opts.maxFrames ?? 6000)));
  const data = stride === 1 ? frames : frames.filter((_, i) => i % stride === 0);
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
    const inv = g.variances.map((v) => v.map((x) => 1 / x));
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
    g = {
      weights: n.map((v) => v / data.length),
      means: s1.map((a, c) => (n[c]! > 1 ? a.map((v) => v / n[c]!) : Float64Array.from(data[Math.floor(rand() * data.length)]!))),
      variances: s2.map((b, c) =>
        n[c]! > 1 ? b.map((v, d) => Math.max(VAR_FLOOR, v / n[c]! - (s1[c]![d]! / n[c]!) ** 2)) : Float64Array.from(global.variance),
      ),
    };
    const total = g.weights.reduce((a, b) => a + b, 0);
    g.weights = g.weights.map((w) => Math.max(w, 1e-4) / total);
  }
  return g;
}
