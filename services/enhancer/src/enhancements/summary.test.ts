import { describe, expect, it } from "vitest";
import { sentencesOf, summarize } from "./summary.ts";

const LECTURE = [
  "Today we talk about photosynthesis in green plants. Plants capture light with chlorophyll. It is a green pigment.",
  "The light reactions split water and release oxygen. Oxygen leaves the leaf through small pores. That is nice.",
  "The Calvin cycle fixes carbon dioxide into sugar. Sugar feeds the plant and everything that eats plants. Okay.",
  "So photosynthesis turns light, water and carbon dioxide into sugar and oxygen. Any questions? No. Good.",
];

describe("summarize", () => {
  it("picks 3 to 5 keyword-rich sentences in their original order", () => {
    const summary = summarize(LECTURE);
    const picked = sentencesOf([summary]).map((s) => s.text);
    expect(picked.length).toBeGreaterThanOrEqual(3);
    expect(picked.length).toBeLessThanOrEqual(5);
    const all = sentencesOf(LECTURE).map((s) => s.text);
    const order = picked.map((s) => all.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(picked[0]).toBe("Today we talk about photosynthesis in green plants.");
    expect(picked).not.toContain("Okay.");
    expect(picked).not.toContain("That is nice.");
  });

  it("returns short texts whole", () => {
    expect(summarize(["One short talk. It ends."])).toBe("One short talk. It ends.");
    expect(summarize([])).toBe("");
  });
});
