export type Merge = { a: number; b: number; distance: number };

export function cosineDistance(x: Float64Array, y: Float64Array): number {
  let dot = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < x.length; i++) {
    dot += x[i]! * y[i]!;
    nx += x[i]! * x[i]!;
    ny += y[i]! * y[i]!;
  }
  const denom = Math.sqrt(nx * ny);
  return denom === 0 ? 1 : 1 - dot / denom;
}

/**
 * Average-linkage agglomerative clustering by the nearest-neighbour chain algorithm: O(n^2)
 * time and one n x n distance matrix. Returns the n-1 merges sorted by distance; average
 * linkage has no inversions, so any prefix of them is a valid cut of the dendrogram.
 */
export function averageLinkage(vectors: Float64Array[]): Merge[] {
  const n = vectors.length;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) d[i * n + j] = d[j * n + i] = cosineDistance(vectors[i]!, vectors[j]!);
  return averageLinkageOf(d, n);
}

/** Average linkage over a symmetric n x n distance matrix (row-major); `d` is overwritten. */
export function averageLinkageOf(d: Float64Array, n: number): Merge[] {
  const size = new Float64Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const merges: Merge[] = [];
  const chain: number[] = [];
  let remaining = n;
  while (remaining > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const a = chain.at(-1)!;
    const prev = chain.length > 1 ? chain.at(-2)! : -1;
    let best = prev;
    let bestD = prev >= 0 ? d[a * n + prev]! : Infinity;
    for (let c = 0; c < n; c++) {
      if (!active[c] || c === a) continue;
      const v = d[a * n + c]!;
      if (v < bestD) {
        best = c;
        bestD = v;
      }
    }
    if (best !== prev) {
      chain.push(best);
      continue;
    }
    chain.length -= 2;
    merges.push({ a: prev, b: a, distance: bestD });
    // Lance-Williams update for average linkage: the merged cluster lives on in slot `prev`.
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === a || k === prev) continue;
      const v = (size[prev]! * d[prev * n + k]! + size[a]! * d[a * n + k]!) / (size[prev]! + size[a]!);
      d[prev * n + k] = d[k * n + prev] = v;
    }
    size[prev] = size[prev]! + size[a]!;
    active[a] = 0;
    remaining--;
  }
  return merges.sort((x, y) => x.distance - y.distance);
}

/** Labels 0..k-1 (numbered by first appearance) after applying merges. */
export function labelsAfter(n: number, merges: Merge[]): number[] {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (const m of merges) parent[find(m.a)] = find(m.b);
  const ids = new Map<number, number>();
  return Array.from({ length: n }, (_, i) => {
    const root = find(i);
    if (!ids.has(root)) ids.set(root, ids.size);
    return ids.get(root)!;
  });
}

/** Cuts the dendrogram into exactly `k` clusters (fewer if there are fewer points). */
export const cutToCount = (n: number, merges: Merge[], k: number) => labelsAfter(n, merges.slice(0, Math.max(0, n - Math.max(1, k))));

/** Cuts the dendrogram where merging would join clusters farther apart than `threshold`. */
export const cutAtDistance = (n: number, merges: Merge[], threshold: number) => labelsAfter(n, merges.filter((m) => m.distance <= threshold));

/** Mean silhouette of a labelling under cosine distance: near 1 well separated, near 0 arbitrary. */
export function silhouette(vectors: Float64Array[], labels: number[]): number {
  const k = Math.max(...labels) + 1;
  if (k < 2) return 0;
  let total = 0;
  for (let i = 0; i < vectors.length; i++) {
    const sums = new Float64Array(k);
    const counts = new Float64Array(k);
    for (let j = 0; j < vectors.length; j++) {
      if (i === j) continue;
      sums[labels[j]!] = sums[labels[j]!]! + cosineDistance(vectors[i]!, vectors[j]!);
      counts[labels[j]!] = counts[labels[j]!]! + 1;
    }
    const own = labels[i]!;
    if (counts[own] === 0) continue;
    const a = sums[own]! / counts[own]!;
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c]! > 0) b = Math.min(b, sums[c]! / counts[c]!);
    total += (b - a) / Math.max(a, b);
  }
  return total / vectors.length;
}

/**
 * How far apart the closest two clusters are: squared distance between their centroids over the
 * mean squared distance of a point to its own centroid (a Fisher ratio), on unscaled vectors.
 * One voice cut in two stays near 1; two voices are well above 2.
 */
export function separation(vectors: Float64Array[], labels: number[]): number {
  const k = Math.max(...labels) + 1;
  if (k < 2) return 0;
  const dims = vectors[0]!.length;
  const mu = Array.from({ length: k }, () => new Float64Array(dims));
  const count = new Float64Array(k);
  vectors.forEach((v, i) => {
    const m = mu[labels[i]!]!;
    count[labels[i]!] = count[labels[i]!]! + 1;
    for (let d = 0; d < dims; d++) m[d] = m[d]! + v[d]!;
  });
  mu.forEach((m, c) => m.forEach((x, d) => (m[d] = x / Math.max(1, count[c]!))));
  let within = 0;
  vectors.forEach((v, i) => {
    for (let d = 0; d < dims; d++) within += (v[d]! - mu[labels[i]!]![d]!) ** 2;
  });
  within /= vectors.length;
  let closest = Infinity;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += (mu[a]![d]! - mu[b]![d]!) ** 2;
      closest = Math.min(closest, s);
    }
  }
  return within === 0 ? Infinity : closest / within;
}
