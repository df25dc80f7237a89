import type { Word } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { buildParagraphs, buildSegments, speakersOf } from "./segments.ts";

const seq = (n: number, start = 0, step = 0.4, speaker?: string): Word[] =>
  Array.from({ length: n }, (_, i) => ({ word: `w${i}`, start: start + i * step, end: start + i * step + 0.3, ...(speaker ? { speaker } : {}) }));

describe("buildSegments", () => {
  it("splits on pauses longer than 0.8 s", () => {
    const segs = buildSegments([...seq(3), ...seq(3, 3)]);
    expect(segs.map((s) => s.words.length)).toEqual([3, 3]);
    expect(segs[0]).toMatchObject({ start: 0, end: 1.1, text: "W0 w1 w2." });
  });

  it("splits on speaker change and labels segments", () => {
    const segs = buildSegments([...seq(2, 0, 0.4, "Speaker 1"), ...seq(2, 0.8, 0.4, "Speaker 2")]);
    expect(segs.map((s) => s.speaker)).toEqual(["Speaker 1", "Speaker 2"]);
  });

  it("caps segments at 20 words and at 12 seconds", () => {
    expect(buildSegments(seq(45)).map((s) => s.words.length)).toEqual([20, 20, 5]);
    const slow = buildSegments(seq(15, 0, 0.9));
    for (const s of slow) expect(s.end - s.start).toBeLessThanOrEqual(12);
    expect(slow.length).toBeGreaterThan(1);
    expect(slow.flatMap((s) => s.words)).toHaveLength(15);
  });

  it("keeps sentence state across a length split: no capital mid-sentence", () => {
    const segs = buildSegments(seq(25));
    expect(segs[1]!.text.startsWith("w20")).toBe(true);
    expect(segs[1]!.text.endsWith(".")).toBe(true);
  });

  it("returns nothing for no words", () => {
    expect(buildSegments([])).toEqual([]);
  });
});

describe("buildParagraphs", () => {
  it("joins segments of one speaker and breaks on long pauses and speaker changes", () => {
    const segs = buildSegments([...seq(3, 0, 0.4, "A"), ...seq(3, 2.5, 0.4, "A"), ...seq(3, 7, 0.4, "A"), ...seq(2, 8.4, 0.4, "B")]);
    const paras = buildParagraphs(segs);
    expect(paras.map((p) => [p.speaker, p.text])).toEqual([
      ["A", "W0 w1 w2. W0 w1 w2."],
      ["A", "W0 w1 w2."],
      ["B", "W0 w1."],
    ]);
    expect(speakersOf(segs)).toEqual(["A", "B"]);
  });

  it("breaks a long monologue at a sentence end", () => {
    const segs = buildSegments(Array.from({ length: 20 }, (_, k) => seq(5, k * 5, 0.4)).flat());
    const paras = buildParagraphs(segs, { maxDurationSec: 30 });
    expect(paras.length).toBeGreaterThan(1);
    for (const p of paras) expect(p.text.endsWith(".")).toBe(true);
  });
});
