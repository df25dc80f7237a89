/**
 * Median (for labels: majority) filter over a label sequence: a lone window that disagrees with
 * its neighbours is relabelled, while runs at least half the width long survive. Ties keep the
 * original label.
 */
export function medianSmooth(labels: number[], width = 5): number[] {
  const half = Math.floor(width / 2);
  return labels.map((own, i) => {
    const counts = new Map<number, number>();
    for (let j = Math.max(0, i - half); j <= Math.min(labels.length - 1, i + half); j++) counts.set(labels[j]!, (counts.get(labels[j]!) ?? 0) + 1);
    let best = own;
    let bestCount = counts.get(own) ?? 0;
    for (const [label, count] of counts) {
      if (count > bestCount) {
        best = label;
        bestCount = count;
      }
    }
    return best;
  });
}

/** Renumbers labels 0..k-1 in order of first appearance. */
export function renumber(labels: number[]): number[] {
  const ids = new Map<number, number>();
  return labels.map((l) => {
    if (!ids.has(l)) ids.set(l, ids.size);
    return ids.get(l)!;
  });
}
