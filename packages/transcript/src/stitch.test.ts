import type { ChunkResult, Word } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { normalizeWord, stitchChunks } from "./stitch.ts";

const w = (word: string, start: number, end: number): Word => ({ word, start, end });
const chunk = (index: number, words: Word[]): ChunkResult => ({ index, startSec: 0, endSec: 0, engine: "test", words });

describe("stitchChunks", () => {
  it("orders chunks by index whatever order they arrive in", () => {
    const out = stitchChunks([chunk(1, [w("world", 5, 5.5)]), chunk(0, [w("hello", 1, 1.4)])]);
    expect(out.map((x) => x.word)).toEqual(["hello", "world"]);
  });

  it("drops words heard twice where chunks overlap", () => {
    const a = chunk(0, [w("the", 8.0, 8.2), w("quick", 8.3, 8.7), w("brown", 8.8, 9.2)]);
    const b = chunk(1, [w("quick", 8.32, 8.68), w("brown", 8.81, 9.2), w("fox", 9.3, 9.7)]);
    expect(stitchChunks([a, b]).map((x) => x.word)).toEqual(["the", "quick", "brown", "fox"]);
  });

  it("drops an identical word right at the seam but keeps real repeats inside a chunk", () => {
    const a = chunk(0, [w("very", 1, 1.3), w("very", 1.35, 1.6), w("good", 9.5, 10.0)]);
    const b = chunk(1, [w("good", 10.02, 10.4), w("day", 10.5, 10.9)]);
    expect(stitchChunks([a, b]).map((x) => x.word)).toEqual(["very", "very", "good", "day"]);
  });

  it("clamps a word that starts inside the previous one so times stay monotonic", () => {
    const out = stitchChunks([chunk(0, [w("alpha", 1, 2)]), chunk(1, [w("beta", 1.8, 3)])]);
    expect(out[1]).toMatchObject({ word: "beta", start: 2, end: 3 });
    for (let i = 1; i < out.length; i++) expect(out[i]!.start).toBeGreaterThanOrEqual(out[i - 1]!.end);
  });

  it("removes engine markers and alternative-pronunciation suffixes", () => {
    const out = stitchChunks([chunk(0, [w("<s>", 0, 0.1), w("the(2)", 0.1, 0.3), w("[NOISE]", 0.3, 0.5), w("<sil>", 0.5, 0.6), w("end", 0.6, 0.9)])]);
    expect(out.map((x) => x.word)).toEqual(["the", "end"]);
    expect(normalizeWord("  ")).toBe("");
  });

  it("keeps confidence and speaker fields", () => {
    const out = stitchChunks([chunk(0, [{ word: "hi", start: 0, end: 0.2, confidence: 0.9 }])]);
    expect(out).toEqual([{ word: "hi", start: 0, end: 0.2, confidence: 0.9 }]);
  });
});
