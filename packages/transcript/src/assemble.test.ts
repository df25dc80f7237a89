import { Transcript } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { assembleTranscript } from "./assemble.ts";
import { buildSegments } from "./segments.ts";

describe("assembleTranscript", () => {
  it("derives paragraphs, text and speakers and satisfies the schema", () => {
    const words = [
      { word: "hello", start: 0, end: 0.4, speaker: "Speaker 2" },
      { word: "hi", start: 3, end: 3.3, speaker: "Speaker 1" },
    ];
    const t = assembleTranscript({ language: "en", durationSec: 4, segments: buildSegments(words) });
    expect(Transcript.parse(t)).toEqual(t);
    expect(t.text).toBe("Hello.\n\nHi.");
    expect(t.speakers).toEqual(["Speaker 2", "Speaker 1"]);
    expect(t.enhancements).toEqual({});
  });
});
