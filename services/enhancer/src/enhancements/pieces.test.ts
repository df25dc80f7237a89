import { describe, expect, it } from "vitest";
import { groupsOf, halve, joinPieces, splitIntoPieces } from "./pieces.ts";

const para = (n: number, words: number) => Array.from({ length: words }, (_, i) => `p${n}w${i}`).join(" ") + ".";

describe("splitIntoPieces", () => {
  it("keeps a short text whole", () => {
    expect(splitIntoPieces(["One two.", "Three four."], 100)).toEqual([{ text: "One two.\n\nThree four.", continues: false }]);
  });

  it("cuts between paragraphs, in order, every piece under the limit", () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => para(i, 8));
    const pieces = splitIntoPieces(paragraphs, 150);
    expect(pieces.length).toBeGreaterThan(2);
    for (const p of pieces) {
      expect(p.text.length).toBeLessThanOrEqual(150);
      expect(p.continues).toBe(false);
    }
    expect(pieces.flatMap((p) => p.text.split("\n\n"))).toEqual(paragraphs);
    expect(
      joinPieces(
        pieces.map((p) => p.text),
        pieces,
      ),
    ).toBe(paragraphs.join("\n\n"));
  });

  it("cuts a paragraph longer than the limit between sentences, and joins it back without a paragraph break", () => {
    const long = Array.from({ length: 10 }, (_, i) => `Sentence number ${i} says a little.`).join(" ");
    const pieces = splitIntoPieces(["Intro.", long, "Outro."], 80);
    for (const p of pieces) expect(p.text.length).toBeLessThanOrEqual(80);
    expect(pieces.some((p) => p.continues)).toBe(true);
    for (const p of pieces.filter((q) => q.continues)) expect(p.text).toMatch(/^Sentence number \d/);
    expect(
      joinPieces(
        pieces.map((p) => p.text),
        pieces,
      ),
    ).toBe(["Intro.", long, "Outro."].join("\n\n"));
  });

  it("cuts a sentence longer than the limit between words, and a word longer than that anywhere", () => {
    const sentence = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
    const pieces = splitIntoPieces([sentence, "x".repeat(25)], 20);
    for (const p of pieces) expect(p.text.length).toBeLessThanOrEqual(20);
    expect(
      pieces
        .slice(0, -2)
        .map((p) => p.text)
        .join(" "),
    ).toBe(sentence);
    expect(
      pieces
        .slice(-2)
        .map((p) => p.text)
        .join(""),
    ).toBe("x".repeat(25));
  });

  it("skips blank paragraphs", () => {
    expect(splitIntoPieces(["", "  ", "Hello."], 100)).toEqual([{ text: "Hello.", continues: false }]);
    expect(splitIntoPieces([], 100)).toEqual([]);
  });
});

describe("halve", () => {
  it("prefers the paragraph break nearest the middle", () => {
    expect(halve({ text: "A b.\n\nC d. Some more.\n\nE f.", continues: true })).toEqual([
      { text: "A b.\n\nC d. Some more.", continues: true },
      { text: "E f.", continues: false },
    ]);
  });

  it("else cuts between sentences, else between words, and gives up on one word", () => {
    expect(halve({ text: "One two. Three four. Five six.", continues: false })).toEqual([
      { text: "One two. Three four.", continues: false },
      { text: "Five six.", continues: true },
    ]);
    expect(halve({ text: "one two three four", continues: false })).toEqual([
      { text: "one two", continues: false },
      { text: "three four", continues: true },
    ]);
    expect(halve({ text: "supercalifragilistic", continues: false })).toBeNull();
  });
});

describe("groupsOf", () => {
  it("packs consecutive items under the limit, in order", () => {
    expect(groupsOf(["aa", "bb", "cc", "dd", "ee"], 8, "|")).toEqual([
      ["aa", "bb", "cc"],
      ["dd", "ee"],
    ]);
  });

  it("puts at least two items in a group even past the limit, so every round shrinks", () => {
    const items = ["x".repeat(10), "y".repeat(10), "z".repeat(10)];
    expect(groupsOf(items, 5, "|")).toEqual([[items[0], items[1]], [items[2]]]);
    let parts = Array.from({ length: 9 }, (_, i) => String(i).repeat(10));
    let rounds = 0;
    while (parts.length > 1) {
      parts = groupsOf(parts, 5, "|").map((g) => g.join(""));
      rounds++;
    }
    expect(rounds).toBe(4);
    expect(parts[0]).toBe(Array.from({ length: 9 }, (_, i) => String(i).repeat(10)).join(""));
  });
});
