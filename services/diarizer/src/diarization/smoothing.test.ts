import { describe, expect, it } from "vitest";
import { medianSmooth, renumber } from "./smoothing.ts";

describe("smoothing", () => {
  it("relabels lone outliers and keeps real runs", () => {
    expect(medianSmooth([0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1])).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it("renumbers by first appearance", () => {
    expect(renumber([2, 2, 0, 1, 0])).toEqual([0, 0, 1, 2, 1]);
  });
});
