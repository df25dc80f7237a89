import { describe, expect, it } from "vitest";
import { distanceMatrix, modelPieces, pieceDistance, speechPieces } from "./pieces.ts";

/** Frames alternating between two values per dimension: mean `m`, standard deviation `s`. */
const frames = (n: number, m: number, s: number) => Array.from({ length: n }, (_, i) => Float64Array.from([m + (i % 2 ? s : -s), m - (i % 2 ? s : -s)]));

describe("speech pieces", () => {
  it("cuts each speech run into equal pieces of at most the given length and drops short ones", () => {
    const speech = new Uint8Array(1000);
    speech.fill(1, 0, 700);
    speech.fill(1, 800, 850);
    expect(speechPieces(speech, 300, 100)).toEqual([
      { start: 0, end: 233 },
      { start: 233, end: 467 },
      { start: 467, end: 700 },
    ]);
  });

  it("models a piece by its mean and variance", () => {
    const [p] = modelPieces(frames(200, 1, 2), [{ start: 0, end: 200 }]);
    expect(p!.mean[0]).toBeCloseTo(1);
    expect(p!.variance[0]).toBeCloseTo(4);
  });

  it("tells voices apart by the spread of their features as well as by where they sit", () => {
    const span = [{ start: 0, end: 200 }];
    const [a, sameA, wider, shifted] = [frames(200, 0, 1), frames(200, 0, 1), frames(200, 0, 2), frames(200, 1, 1)].map((f) => modelPieces(f, span)[0]!);
    expect(pieceDistance(a!, sameA!)).toBeCloseTo(0);
    // Same mean, twice the standard deviation: (2 - 1)^2 per dimension, at half the weight of a mean's shift.
    expect(pieceDistance(a!, wider!)).toBeCloseTo(0.5);
    expect(pieceDistance(a!, shifted!)).toBeCloseTo(1);
    const m = distanceMatrix([a!, wider!, shifted!]);
    expect([m[0], m[1], m[3], m[5]]).toEqual([0, m[3], m[1], m[7]]);
  });
});
