import { glrDistance, type SpeechSegment } from "./segments.ts";

export type BicClusterOptions = {
  /** Exactly this many clusters (fewer only if there are fewer segments or cannot-links forbid it). */
  speakers?: number;
  maxSpeakers?: number;
  /** Penalty weight when ranking merges (BIC's lambda). */
  lambda?: number;
  /** Per-frame GLR at or above which two clusters sound like different voices. */
  distinctGlr?: number;
  /** A stricter penalty: a merge with distinct-sounding clusters still happens if BIC under this lambda favours it (one cluster is small). */
  stopLambda?: number;
  /** Segments sharing a group id must not share a cluster (a provider said they are different people). */
  groups?: (string | undefined)[];
};

/** Pools two diagonal Gaussians into the Gaussian of their union. */
export function pool(a: SpeechSegment, b: SpeechSegment): SpeechSegment {
  const n = a.frames + b.frames;
  const dims = a.mean.length;
  const mean = new Float64Array(dims);
  const variance = new Float64Array(dims);
  for (let d = 0; d < dims; d++) {
    mean[d] = (a.frames * a.mean[d]! + b.frames * b.mean[d]!) / n;
    const second = (a.frames * (a.variance[d]! + a.mean[d]! ** 2) + b.frames * (b.variance[d]! + b.mean[d]! ** 2)) / n;
    variance[d] = Math.max(1e-3, second - mean[d]! ** 2);
  }
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end), frames: n, mean, variance };
}

/** BIC of merging: likelihood lost by one Gaussian for both, minus lambda times the parameters saved. */
const deltaBic = (x: SpeechSegment, y: SpeechSegment, lambda: number) =>
  glrDistance(x, y) * (x.frames + y.frames) - lambda * x.mean.length * Math.log(x.frames + y.frames);

/**
 * Agglomerative BIC clustering (Chen & Gopalakrishnan 1998): every segment starts as a cluster
 * with its own Gaussian; the pair whose merge costs least likelihood (BIC) is pooled, again and
 * again. Pooled models grow robust as clusters grow, unlike segment-to-segment distances, which is
 * what tells two similar male voices apart. Merging stops, unless a count is given, when the best
 * merge joins clusters that sound distinct per frame (GLR) and are big enough for BIC to agree.
 * Returns labels 0..k-1 in order of first segment.
 */
export function bicCluster(segments: SpeechSegment[], opts: BicClusterOptions = {}): number[] {
  const lambda = opts.lambda ?? 1;
  const distinct = opts.distinctGlr ?? 0.3;
  const stopLambda = opts.stopLambda ?? 4;
  const maxSpeakers = opts.maxSpeakers ?? 8;
  const n = segments.length;
  const models: (SpeechSegment | null)[] = [...segments];
  const members: number[][] = segments.map((_, i) => [i]);
  const groups: Set<string>[] = segments.map((_, i) => new Set(opts.groups?.[i] === undefined ? [] : [opts.groups[i]!]));
  const cost = new Float64Array(n * n).fill(Infinity);
  const canMerge = (a: number, b: number) => ![...groups[a]!].some((g) => groups[b]!.has(g));
  const update = (a: number) => {
    for (let b = 0; b < n; b++) {
      if (b === a || !models[b]) continue;
      cost[a * n + b] = cost[b * n + a] = canMerge(a, b) ? deltaBic(models[a]!, models[b]!, lambda) : Infinity;
    }
  };
  for (let a = 0; a < n; a++) update(a);
  let clusters = n;
  while (clusters > 1) {
    let best = { a: -1, b: -1, v: Infinity };
    for (let a = 0; a < n; a++) {
      if (!models[a]) continue;
      for (let b = a + 1; b < n; b++) if (models[b] && cost[a * n + b]! < best.v) best = { a, b, v: cost[a * n + b]! };
    }
    if (best.a < 0) break; // only cannot-links left
    const [x, y] = [models[best.a]!, models[best.b]!];
    if (opts.speakers !== undefined) {
      if (clusters <= opts.speakers) break;
    } else if (clusters <= maxSpeakers && glrDistance(x, y) >= distinct && deltaBic(x, y, stopLambda) >= 0) {
      break;
    }
    models[best.a] = pool(x, y);
    models[best.b] = null;
    members[best.a]!.push(...members[best.b]!);
    for (const g of groups[best.b]!) groups[best.a]!.add(g);
    for (let k = 0; k < n; k++) cost[best.b * n + k] = cost[k * n + best.b] = Infinity;
    update(best.a);
    clusters--;
  }
  const raw = new Array<number>(n).fill(0);
  members.forEach((m, c) => {
    if (models[c]) for (const i of m) raw[i] = c;
  });
  const ids = new Map<number, number>();
  return raw.map((c) => {
    if (!ids.has(c)) ids.set(c, ids.size);
    return ids.get(c)!;
  });
}
