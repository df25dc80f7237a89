import { describe, expect, it } from "vitest";
import { diarizationErrorRate } from "./der.ts";

const ref = [
  { start: 0, end: 4, speaker: 0 },
  { start: 5, end: 9, speaker: 1 },
];

describe("diarizationErrorRate", () => {
  it("is zero for a perfect answer under any label names", () => {
    expect(
      diarizationErrorRate(ref, [
        { start: 0, end: 4, speaker: "b" },
        { start: 5, end: 9, speaker: "a" },
      ]),
    ).toBeCloseTo(0);
  });

  it("counts confusion, missed speech and false alarms over reference speech", () => {
    expect(diarizationErrorRate(ref, [{ start: 0, end: 9, speaker: 0 }])).toBeCloseTo(5 / 8, 2);
    expect(diarizationErrorRate(ref, [{ start: 0, end: 4, speaker: 0 }])).toBeCloseTo(0.5, 2);
    expect(
      diarizationErrorRate(ref, [
        { start: 0, end: 2, speaker: 0 },
        { start: 2, end: 4, speaker: 1 },
        { start: 5, end: 9, speaker: 1 },
      ]),
    ).toBeCloseTo(0.25, 2);
  });

  it("ignores a collar around reference boundaries", () => {
    const late = [
      { start: 0.2, end: 4, speaker: 0 },
      { start: 5.2, end: 9, speaker: 1 },
    ];
    expect(diarizationErrorRate(ref, late)).toBeCloseTo(0.05, 2);
    expect(diarizationErrorRate(ref, late, { collarSec: 0.25 })).toBe(0);
  });
});
