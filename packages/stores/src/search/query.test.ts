import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, makeSnippet, matchPositions, parseQuery, tokenize } from "./query.ts";

describe("search query parsing", () => {
  it("splits words, phrases and prefixes; everything else is a word or punctuation", () => {
    expect(parseQuery('Elinor "rather cold hearted" dash*')).toEqual([
      { kind: "term", tokens: ["elinor"] },
      { kind: "phrase", tokens: ["rather", "cold", "hearted"] },
      { kind: "prefix", tokens: ["dash"] },
    ]);
    expect(parseQuery("NEAR(a OR b) col:x")).toEqual(["near", "a", "or", "b", "col", "x"].map((t) => ({ kind: "term", tokens: [t] })));
    expect(parseQuery('"single"')).toEqual([{ kind: "term", tokens: ["single"] }]);
    expect(parseQuery("don't*")).toEqual([
      { kind: "term", tokens: ["don"] },
      { kind: "term", tokens: ["t"] },
    ]);
    expect(parseQuery("re-elect*")).toEqual([
      { kind: "term", tokens: ["re"] },
      { kind: "prefix", tokens: ["elect"] },
    ]);
  });

  it("refuses empty, one-letter prefixes, long and over-complex queries", () => {
    for (const q of ["", "*", '""', "a*", "x".repeat(201), Array.from({ length: 13 }, (_, i) => `w${i}`).join(" ")]) {
      expect(() => parseQuery(q), q).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    }
  });

  it("tokenizes as unicode61 with diacritics removed", () => {
    expect(tokenize("Café-au-lait, naïve ÉLAN 42")).toEqual(["cafe", "au", "lait", "naive", "elan", "42"]);
  });

  it("round-trips cursors and refuses foreign ones", () => {
    expect(decodeCursor(encodeCursor(40))).toBe(40);
    expect(decodeCursor(undefined)).toBe(0);
    for (const c of ["garbage", encodeCursor(0), encodeCursor(5000)])
      expect(() => decodeCursor(c), c).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });

  it("matches by stem, checks phrase order and marks matches in snippets", () => {
    const clauses = parseQuery('walked "cold hearted"');
    expect(matchPositions(tokenize("walking while cold hearted"), clauses).all).toBe(true);
    expect(matchPositions(tokenize("walking while hearted cold"), clauses).all).toBe(false);
    const words = Array.from({ length: 30 }, (_, i) => `w${i}`);
    words[20] = "Walking,";
    expect(makeSnippet(words.join(" "), parseQuery("walk"))).toBe("…w14 w15 w16 w17 w18 w19 **Walking,** w21 w22 w23 w24 w25 w26 w27 w28 w29");
    expect(makeSnippet(words.slice(0, 25).join(" "), parseQuery("w2"))).toBe("w0 w1 **w2** w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15…");
  });
});
