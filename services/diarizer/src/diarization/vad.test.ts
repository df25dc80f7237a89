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

  it("finds by selection the value a sorted copy holds at each percentile's rank, whatever the input's order and repeats", () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const inputs = [
      Array.from({ length: 2_881 }, () => Math.log(rand() + 1e-10)), // energies
      Array.from({ length: 1_000 }, (_, i) => (i < 600 ? -23 : rand())), // mostly digital silence: one value repeated
      Array.from({ length: 500 }, (_, i) => i), // sorted
      Array.from({ length: 500 }, (_, i) => -i), // reversed
      Array.from({ length: 7 }, () => Math.round(rand() * 3)), // small, few distinct values
      [42],
    ];
    for (const values of inputs) {
      const before = values.slice();
      const sorted = Float64Array.from(values).sort();
      for (const p of [0, 1, 10, 37.5, 50, 90, 95, 99, 100]) {
        expect(percentile(values, p)).toBe(sorted[Math.round((p / 100) * (values.length - 1))]);
      }
      expect(values).toEqual(before); // the input is not reordered
    }
    // A NaN has no place among comparisons: ranked last, as a sort puts it.
    expect(percentile([3, Number.NaN, 1, 2], 100)).toBeNaN();
    expect(percentile([3, Number.NaN, 1, 2], 50)).toBe(3); // [1, 2, 3, NaN], rank round(1.5) = 2
  });
});
