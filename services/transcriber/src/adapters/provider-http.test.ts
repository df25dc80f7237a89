import { describe, expect, it } from "vitest";
import { primaryLanguage } from "./provider-http.ts";
import { spreadWords } from "./word-timing.ts";

describe("provider requests", () => {
  it("sends primary language subtags", () => {
    expect(primaryLanguage("en-GB")).toBe("en");
    expect(primaryLanguage("PT_br")).toBe("pt");
  });
});

describe("spreadWords", () => {
  it("shares a span out by word length, in order, inside the span", () => {
    const words = spreadWords("a wonderful day", 10, 13, "A");
    expect(words.map((w) => w.word)).toEqual(["a", "wonderful", "day"]);
    expect(words[0]!.start).toBe(10);
    expect(words.at(-1)!.end).toBeLessThanOrEqual(13);
    expect(words[1]!.end - words[1]!.start).toBeGreaterThan(words[0]!.end - words[0]!.start);
    expect(words.every((w) => w.speaker === "A")).toBe(true);
    expect(spreadWords("  ", 0, 1)).toEqual([]);
  });
});
