import type { Word } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { capitalize, fixFirstPerson, formatWords, splitSentences, terminate } from "./sentences.ts";

const seq = (text: string, start = 0, speaker?: string): Word[] =>
  text.split(" ").map((word, i) => ({ word, start: start + i * 0.4, end: start + i * 0.4 + 0.3, ...(speaker ? { speaker } : {}) }));

describe("formatWords", () => {
  it("starts sentences with a capital and ends them at long pauses and at the end", () => {
    const words = [...seq("so i think"), ...seq("it works", 3)];
    expect(formatWords(words).join(" ")).toBe("So I think. It works.");
  });

  it("ends a sentence on a speaker change", () => {
    const words = [...seq("hello there", 0, "A"), ...seq("hi", 0.8, "B")];
    expect(formatWords(words).join(" ")).toBe("Hello there. Hi.");
  });

  it("keeps punctuation the engine gave and does not double it", () => {
    const words = seq("Really? yes, indeed,");
    expect(formatWords(words).join(" ")).toBe("Really? Yes, indeed.");
  });

  it("capitalises i and its contractions", () => {
    expect(["i", "i'm", "i'll", "it"].map(fixFirstPerson)).toEqual(["I", "I'm", "I'll", "it"]);
  });

  it("honours a custom sentence pause", () => {
    const words = [...seq("one two"), ...seq("three", 0.4 * 2 + 0.3)];
    expect(formatWords(words, { sentencePauseSec: 0.2 }).join(" ")).toBe("One two. Three.");
  });
});

describe("sentence helpers", () => {
  it("capitalises past leading quotes and terminates soft punctuation", () => {
    expect(capitalize('"well')).toBe('"Well');
    expect(terminate("so,")).toBe("so.");
    expect(terminate("why?")).toBe("why?");
  });

  it("splits text into sentences", () => {
    expect(splitSentences("One. Two? Three!  Four")).toEqual(["One.", "Two?", "Three!", "Four"]);
    expect(splitSentences("  ")).toEqual([]);
  });
});
