import { describe, expect, it } from "vitest";
import { bicCluster, pool } from "./bic-clustering.ts";
import { glrDistance, type SpeechSegment } from "./segments.ts";

/** A segment whose frames are drawn around `centre` with unit variance. */
const seg = (centre: number, frames = 300): SpeechSegment => ({
  start: 0,
  end: frames,
  frames,
  mean: Float64Array.from([centre, -centre, 0]),
  variance: Float64Array.from([1, 1, 1]),
});

describe("BIC clustering", () => {
  it("scores identical models 0 and separated ones above the distinct-voice level", () => {
    expect(glrDistance(seg(0), seg(0))).toBeCloseTo(0);
    expect(glrDistance(seg(0), seg(2))).toBeGreaterThan(0.3);
    const joint = pool(seg(0, 100), seg(2, 300));
    expect(joint.frames).toBe(400);
    expect(joint.mean[0]).toBeCloseTo(1.5);
    expect(joint.variance[0]).toBeCloseTo(1 + 0.75);
  });

  it("finds two voices and one voice without being told", () => {
    expect(bicCluster([seg(0), seg(2), seg(0.1), seg(2.1), seg(-0.1)])).toEqual([0, 1, 0, 1, 0]);
    expect(bicCluster([seg(0), seg(0.1), seg(-0.1), seg(0.05)])).toEqual([0, 0, 0, 0]);
  });

  it("cuts to a given count, and never joins segments a provider said were different people", () => {
    expect(bicCluster([seg(0), seg(3), seg(3.5)], { speakers: 2 })).toEqual([0, 1, 1]);
    // Chunk 0 heard two people (0 and 2) however alike they sound; chunk 1 matches the first.
    expect(bicCluster([seg(0), seg(0.02), seg(0.1)], { groups: ["0", "1", "0"] })).toEqual([0, 0, 1]);
  });
});
