import { describe, expect, it } from "vitest";
import { buildCues, wrapLines } from "./cues.ts";
import { buildSegments } from "./segments.ts";

const words = (text: string, start: number, step: number, speaker?: string) =>
  text.split(" ").map((word, i) => ({ word, start: start + i * step, end: start + i * step + step * 0.8, ...(speaker ? { speaker } : {}) }));

describe("wrapLines", () => {
  it("keeps short text on one line and balances two lines", () => {
    expect(wrapLines("short text", 42, 2)).toEqual(["short text"]);
    const lines = wrapLines("the quick brown fox jumps over the lazy dog and then runs away", 42, 2)!;
    expect(lines).toHaveLength(2);
    expect(Math.abs(lines[0]!.length - lines[1]!.length)).toBeLessThan(10);
  });

  it("says null when the text cannot fit", () => {
    expect(wrapLines("x".repeat(43), 42, 2)).toBeNull();
    expect(wrapLines(Array(30).fill("word").join(" "), 42, 2)).toBeNull();
  });
});

describe("buildCues", () => {
  it("packs words into cues of at most two 42-character lines and 7 seconds", () => {
    const segs = buildSegments(words(Array(60).fill("lengthy").join(" "), 0, 0.5), { maxWords: 100, maxDurationSec: 100, maxPauseSec: 5 });
    const cues = buildCues(segs);
    expect(cues.length).toBeGreaterThan(3);
    for (const c of cues) {
      expect(c.lines.length).toBeLessThanOrEqual(2);
      for (const l of c.lines) expect(l.length).toBeLessThanOrEqual(42);
      expect(c.endMs - c.startMs).toBeLessThanOrEqual(7000);
    }
    expect(cues.flatMap((c) => c.lines.join(" ").split(" "))).toHaveLength(60);
  });

  it("lengthens short cues to a second and pushes the next cue so none overlap", () => {
    const segs = buildSegments([...words("yes", 0, 0.2, "A"), ...words("no", 0.3, 0.2, "B"), ...words("maybe", 0.6, 0.2, "A")]);
    const cues = buildCues(segs);
    expect(cues.map((c) => [c.startMs, c.endMs])).toEqual([
      [0, 1000],
      [1000, 2000],
      [2000, 3000],
    ]);
  });

  it("labels the first cue of each turn when asked", () => {
    const segs = buildSegments([
      ...words("hello there", 0, 0.4, "Speaker 1"),
      ...words("more words", 0.8, 0.4, "Speaker 1"),
      ...words("hi", 3, 0.4, "Speaker 2"),
    ]);
    const cues = buildCues(segs, { turnLabel: (s) => `${s}:` });
    expect(cues.map((c) => c.lines.join(" "))).toEqual(["Speaker 1: Hello there more words.", "Speaker 2: Hi."]);
  });

  it("packs across segments split only for length, leaving no orphan cue", () => {
    const text = "and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them";
    const split = buildSegments(words(text, 0, 0.35, "A"));
    expect(split).toHaveLength(2);
    const cues = buildCues(split);
    expect(cues).toEqual(buildCues(buildSegments(words(text, 0, 0.35, "A"), { maxWords: 100 })));
    expect(cues.at(-1)!.lines.join(" ").split(" ").length).toBeGreaterThan(3);
  });

  it("splits a token longer than a line", () => {
    const cues = buildCues(buildSegments(words("a".repeat(100), 0, 1)));
    for (const c of cues) for (const l of c.lines) expect(l.length).toBeLessThanOrEqual(42);
    expect(cues.flatMap((c) => c.lines).join("")).toBe(`A${"a".repeat(99)}.`);
  });
});
