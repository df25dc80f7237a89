/** One merge of the dendrogram: the clusters holding items `a` and `b` joined at `distance`. */
export type Merge = { a: number; b: number; distance: number };

/**
 * Average-linkage agglomerative clustering (UPGMA) of n items from their n x n distance matrix
 * (row-major, overwritten), by the nearest-neighbour chain algorithm: O(n^2) time rather than
 * O(n^3). The distance between two clusters is the mean distance between their items, so it
 * does not grow or shrink with how much of a voice a cluster holds: a threshold on it means the
 * same thing in a 30-second clip and in an hour. Returns the merges sorted by distance.
 */
export function averageLinkage(dist: Float32Array, n: number): Merge[] {
  const size = new Float64Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const merges: Merge[] = [];
  const chain: number[] = [];
  let left = n;
  while (left > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const a = chain.at(-1)!;
    const prev = chain.length > 1 ? chain.at(-2)! : -1;
    let b = prev;
    let best = prev >= 0 ? dist[a * n + prev]! : Infinity;
    for (let c = 0; c < n; c++) {
      if (!active[c] || c === a) continue;
      const d = dist[a * n + c]!;
      if (d < best) [best, b] = [d, c];
    }
    if (b !== prev) {
      chain.push(b);
      continue;
    }
    chain.length -= 2;
    merges.push({ a, b, distance: best });
    // Lance-Williams update for average linkage; the merged cluster lives in slot a.
    const [na, nb] = [size[a]!, size[b]!];
    for (let c = 0; c < n; c++) {
      if (!active[c] || c === a || c === b) continue;
      dist[a * n + c] = dist[c * n + a] = (na * dist[a * n + c]! + nb * dist[b * n + c]!) / (na + nb);
    }
    size[a] = na + nb;
    active[b] = 0;
    left--;
  }
  return merges.sort((x, y) => x.distance - y.distance);
}

export type CutOptions = {
  /** Merges at or below this average distance join one voice. */
  threshold: number;
  /** Exactly this many voices (when the recording has that many clusters of `minSize`). */
  speakers?: number;
  minSpeakers?: number;
  maxSpeakers?: number;
  /** Item weights (speech frames); a cluster lighter than `minSize` is not counted as a voice. */
  weights: ArrayLike<number>;
  minSize: number;
};

/**
 * Cuts the dendrogram: merges are replayed in order while they are under the threshold, then
 * further (or fewer) to honour a count. Only clusters of at least `minSize` count as voices, so
 * a stray cough or an odd second does not become a speaker; the small ones are returned with
 * label -1 and left to the resegmentation. Labels of voices are 0..k-1 by first item.
 */
export function cutDendrogram(merges: Merge[], n: number, opts: CutOptions): number[] {
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const weight = Float64Array.from({ length: n }, (_, i) => opts.weights[i]!);
  let voices = 0;
  for (let i = 0; i < n; i++) if (weight[i]! >= opts.minSize) voices++;
  const states: { voices: number; step: number }[] = [{ voices, step: 0 }];
  const apply = (m: Merge) => {
    const [ra, rb] = [find(m.a), find(m.b)];
    const big = (r: number) => (weight[r]! >= opts.minSize ? 1 : 0);
    const before = big(ra) + big(rb);
    parent[rb] = ra;
    weight[ra] = weight[ra]! + weight[rb]!;
    voices += big(ra) - before;
  };
  // Voices after each number of merges; one merge changes the count by at most one.
  for (const [i, m] of merges.entries()) {
    apply(m);
    states.push({ voices, step: i + 1 });
  }
  const byThreshold = merges.filter((m) => m.distance <= opts.threshold).length;
  const lo = opts.speakers ?? opts.minSpeakers ?? 1;
  const hi = opts.speakers ?? opts.maxSpeakers ?? Infinity;
  let steps = byThreshold;
  let floor = opts.minSize;
  if (states[steps]!.voices > hi) steps = states.findIndex((s, i) => i >= byThreshold && s.voices <= hi);
  else if (states[steps]!.voices < lo) {
    // The coarsest earlier cut that still has `lo` voices; if none has, as many raw clusters.
    const earlier = states.slice(0, byThreshold + 1).findLast((s) => s.voices >= lo);
    steps = earlier ? earlier.step : Math.max(0, n - lo);
    if (!earlier) floor = 0;
  }
  parent.forEach((_, i) => (parent[i] = i));
  weight.forEach((_, i) => (weight[i] = opts.weights[i]!));
  for (const m of merges.slice(0, Math.max(0, steps))) apply(m);
  const ids = new Map<number, number>();
  const anyVoice = [...Array(n).keys()].some((i) => weight[find(i)]! >= floor);
  return Array.from({ length: n }, (_, i) => {
    const r = find(i);
    if (anyVoice && weight[r]! < floor) return -1;
    if (!ids.has(r)) ids.set(r, ids.size);
    return ids.get(r)!;
  });
}
