import { describe, expect, it } from "vitest";
import { normaliseWords, wordErrorRate } from "./wer.ts";

describe("normaliseWords", () => {
  it("lower-cases, strips punctuation and spells out Mr and Mrs", () => {
    expect(normaliseWords("Mr. Dashwood, and Mrs Jennings!")).toEqual(["mister", "dashwood", "and", "missus", "jennings"]);
  });

  it("keeps apostrophes inside words and drops quotes around them", () => {
    expect(normaliseWords("'Don't' said he")).toEqual(["don't", "said", "he"]);
  });
});

describe("wordErrorRate", () => {
  it("is 0 for identical text after normalisation", () => {
    expect(wordErrorRate("Mr. John Dashwood", "mister john dashwood")).toBe(0);
  });

  it("counts one substitution, one deletion and one insertion", () => {
    expect(wordErrorRate("a b c d", "a x c")).toBe(2 / 4); // b->x, d deleted
    expect(wordErrorRate("a b", "a b c")).toBe(1 / 2); // c inserted
  });

  it("can exceed 1 when the hypothesis is much longer than the reference", () => {
    expect(wordErrorRate("one", "two three four")).toBe(3);
  });

  it("handles empty reference and hypothesis", () => {
    expect(wordErrorRate("", "")).toBe(0);
    expect(wordErrorRate("", "noise")).toBe(1);
    expect(wordErrorRate("some words", "")).toBe(1);
  });
});
