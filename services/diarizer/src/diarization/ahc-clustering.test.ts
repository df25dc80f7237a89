import { describe, expect, it } from "vitest";
import { averageLinkage, cutDendrogram } from "./ahc-clustering.ts";

/** Distance matrix of points on a line. */
const matrix = (xs: number[]) => {
  const n = xs.length;
  const d = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = Math.abs(xs[i]! - xs[j]!);
  return d;
};

describe("average-linkage clustering", () => {
  it("merges nearest clusters first, with the mean distance between their members", () => {
    const merges = averageLinkage(matrix([0, 1, 10, 11, 30]), 5);
    // The last: 30 against {0, 1, 10, 11}, (30 + 29 + 20 + 19) / 4.
    expect(merges.map((m) => m.distance)).toEqual([1, 1, 10, 24.5]);
  });

  it("cuts at a threshold that means the same however many items there are", () => {
    const weights = (n: number) => new Array(n).fill(100);
    const two = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0 : 5) + (i % 7) * 0.01);
    for (const n of [6, 60, 600]) {
      const labels = cutDendrogram(averageLinkage(matrix(two(n)), n), n, { threshold: 1, weights: weights(n), minSize: 300 });
      expect(new Set(labels).size).toBe(2);
      expect(labels.every((l, i) => l === labels[i % 2])).toBe(true);
    }
  });

  it("honours an exact count, and a minimum and maximum", () => {
    const xs = [0, 0.1, 5, 5.1, 10, 10.1];
    const merges = averageLinkage(matrix(xs), 6);
    const opts = { threshold: 1, weights: new Array(6).fill(100), minSize: 150 };
    expect(cutDendrogram(merges, 6, opts)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(cutDendrogram(merges, 6, { ...opts, speakers: 2 })).toEqual([0, 0, 0, 0, 1, 1]);
    expect(cutDendrogram(merges, 6, { ...opts, maxSpeakers: 2 })).toEqual([0, 0, 0, 0, 1, 1]);
    expect(new Set(cutDendrogram(merges, 6, { ...opts, threshold: 100, minSpeakers: 3 })).size).toBe(3);
  });

  it("does not count a cluster too small to be a voice; its items get -1", () => {
    const labels = cutDendrogram(averageLinkage(matrix([0, 0.1, 0.2, 0.3, 9]), 5), 5, { threshold: 1, weights: [100, 100, 100, 100, 50], minSize: 200 });
    expect(labels).toEqual([0, 0, 0, 0, -1]);
  });
});
