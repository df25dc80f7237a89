import { describe, expect, it } from "vitest";
import { averageLinkage, cosineDistance, cutAtDistance, cutToCount, separation, silhouette } from "./clustering.ts";

const v = (...x: number[]) => Float64Array.from(x);
/** Three tight groups around three directions. */
const points = [v(1, 0, 0.1), v(0.9, 0.1, 0), v(0, 1, 0.1), v(0.1, 0.9, 0), v(0, 0.1, 1), v(0.1, 0, 0.9), v(1, 0.05, 0.05)];

describe("clustering", () => {
  it("computes cosine distances", () => {
    expect(cosineDistance(v(1, 0), v(2, 0))).toBeCloseTo(0);
    expect(cosineDistance(v(1, 0), v(0, 3))).toBeCloseTo(1);
    expect(cosineDistance(v(1, 0), v(-1, 0))).toBeCloseTo(2);
    expect(cosineDistance(v(0, 0), v(1, 0))).toBe(1);
  });

  it("merges n-1 times in increasing distance and recovers the groups", () => {
    const merges = averageLinkage(points);
    expect(merges).toHaveLength(points.length - 1);
    for (let i = 1; i < merges.length; i++) expect(merges[i]!.distance).toBeGreaterThanOrEqual(merges[i - 1]!.distance);
    expect(cutToCount(points.length, merges, 3)).toEqual([0, 0, 1, 1, 2, 2, 0]);
    expect(cutToCount(points.length, merges, 1)).toEqual(new Array(7).fill(0));
    expect(cutAtDistance(points.length, merges, 0.5)).toEqual([0, 0, 1, 1, 2, 2, 0]);
  });

  it("scores a good split above a bad one", () => {
    const good = [0, 0, 1, 1, 2, 2, 0];
    const bad = [0, 1, 2, 0, 1, 2, 0];
    expect(silhouette(points, good)).toBeGreaterThan(0.7);
    expect(silhouette(points, good)).toBeGreaterThan(silhouette(points, bad));
    expect(separation(points, good)).toBeGreaterThan(10);
    expect(separation(points, bad)).toBeLessThan(1);
    expect(separation(points, new Array(7).fill(0))).toBe(0);
  });
});
