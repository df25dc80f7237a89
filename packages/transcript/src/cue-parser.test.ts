import { describe, expect, it } from "vitest";
import { parseSrt, parseVtt } from "./cue-parser.ts";

describe("parseSrt", () => {
  it("parses numbered cues", () => {
    const cues = parseSrt("1\n00:00:01,000 --> 00:00:02,500\nHello\nthere\n\n2\n00:00:03,000 --> 00:00:04,000\nBye\n");
    expect(cues).toEqual([
      { index: 1, startMs: 1000, endMs: 2500, lines: ["Hello", "there"] },
      { index: 2, startMs: 3000, endMs: 4000, lines: ["Bye"] },
    ]);
  });

  it("rejects bad numbering, bad timestamps and empty cues", () => {
    expect(() => parseSrt("2\n00:00:01,000 --> 00:00:02,000\nx\n")).toThrow(/expected number 1/);
    expect(() => parseSrt("1\n00:00:01.000 --> 00:00:02,000\nx\n")).toThrow(/bad start/);
    expect(() => parseSrt("1\n00:00:01,000 --> 00:00:02,000\n")).toThrow(/no text/);
  });
});

describe("parseVtt", () => {
  it("parses a header, identifiers and notes", () => {
    const cues = parseVtt("WEBVTT\n\nNOTE hi\n\nc1\n00:01.000 --> 00:00:02.000 align:start\n<v A>Hi\n");
    expect(cues).toEqual([{ startMs: 1000, endMs: 2000, lines: ["<v A>Hi"] }]);
  });

  it("rejects a missing header", () => {
    expect(() => parseVtt("00:00:01.000 --> 00:00:02.000\nx\n")).toThrow(/WEBVTT/);
  });
});
