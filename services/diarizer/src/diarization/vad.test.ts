import { describe, expect, it } from "vitest";
import { detectSpeech, percentile, speechRegions } from "./vad.ts";

const HOP = 0.01;
/** Log energies: quiet everywhere, loud in the given [start, end) second ranges. */
const energies = (sec: number, loud: [number, number][]) =>
  Float64Array.from({ length: sec / HOP }, (_, i) => (loud.some(([a, b]) => i * HOP >= a && i * HOP < b) ? Math.log(1e-2) : Math.log(1e-7)));

describe("detectSpeech", () => {
  it("finds loud regions", () => {
    const regions = speechRegions(
      detectSpeech(
        energies(5, [
          [1, 2],
          [3, 4.5],
        ]),
        HOP,
      ),
      HOP,
    );
    expect(regions.map((r) => [+r.start.toFixed(2), +r.end.toFixed(2)])).toEqual([
      [1, 2],
      [3, 4.5],
    ]);
  });

  it("bridges short pauses and drops short bursts", () => {
    const mask = detectSpeech(
      energies(5, [
        [1, 2],
        [2.2, 3],
        [4, 4.05],
      ]),
      HOP,
    );
    expect(speechRegions(mask, HOP).map((r) => [+r.start.toFixed(2), +r.end.toFixed(2)])).toEqual([[1, 3]]);
  });

  it("calls constant silence silence and constant loud speech speech", () => {
    expect(detectSpeech(new Float64Array(100).fill(Math.log(1e-9)), HOP).every((v) => v === 0)).toBe(true);
    expect(detectSpeech(new Float64Array(100).fill(Math.log(1e-2)), HOP).every((v) => v === 1)).toBe(true);
  });

  it("computes percentiles", () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([], 10)).toBe(0);
  });
});
