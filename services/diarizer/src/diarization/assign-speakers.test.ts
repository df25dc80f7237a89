import { describe, expect, it } from "vitest";
import { assignSpeakers } from "./assign-speakers.ts";

const w = (word: string, start: number, end: number) => ({ word, start, end });

describe("assignSpeakers", () => {
  const turns = [
    { start: 0, end: 2, speaker: 1 },
    { start: 2.5, end: 4, speaker: 0 },
  ];

  it("labels words by most overlap and names speakers in order of appearance", () => {
    const out = assignSpeakers([w("a", 0.1, 0.5), w("b", 1.8, 2.6), w("c", 3, 3.5)], turns);
    expect(out.map((x) => x.speaker)).toEqual(["Speaker 1", "Speaker 1", "Speaker 2"]);
  });

  it("falls back to the nearest turn for words outside every turn", () => {
    expect(assignSpeakers([w("x", 2.3, 2.45), w("y", 5, 5.5)], turns).map((x) => x.speaker)).toEqual(["Speaker 1", "Speaker 1"]);
  });

  it("leaves words unlabelled without turns", () => {
    expect(assignSpeakers([{ ...w("a", 0, 1), speaker: "old" }], [])).toEqual([w("a", 0, 1)]);
  });
});
