import type { Segment, Transcript } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { assembleTranscript } from "./assemble.ts";
import { applySegmentEdits, labelsSpeakers, realignWords, renameSpeakers, TranscriptEditError } from "./edit.ts";
import { renderTranscript } from "./render.ts";

const seg = (start: number, end: number, text: string, speaker?: string): Segment => {
  const tokens = text.split(" ");
  const step = (end - start) / tokens.length;
  return {
    start,
    end,
    text,
    ...(speaker ? { speaker } : {}),
    words: tokens.map((w, i) => ({
      start: start + i * step,
      end: start + (i + 1) * step,
      word: w.toLowerCase().replace(/[.,]/g, ""),
      confidence: 0.9,
      ...(speaker ? { speaker } : {}),
    })),
  };
};

const sample = (): Transcript =>
  assembleTranscript({
    language: "en",
    durationSec: 20,
    segments: [
      seg(0, 3, "Hello there.", "Speaker 1"),
      seg(4, 7, "General Kenobi.", "Speaker 2"),
      seg(8, 11, "You are a bold one.", "Speaker 1"),
      seg(12, 15, "Indeed I am.", "Speaker 3"),
    ],
    enhancements: { summary: "A greeting." },
  });

describe("renameSpeakers", () => {
  it("puts the name on segments, words, paragraphs and the speaker list", () => {
    const t = renameSpeakers(sample(), { "Speaker 1": "Obi-Wan" });
    expect(t.speakers).toEqual(["Obi-Wan", "Speaker 2", "Speaker 3"]);
    expect(t.segments[0]!.speaker).toBe("Obi-Wan");
    expect(t.segments[2]!.words.every((w) => w.speaker === "Obi-Wan")).toBe(true);
    expect(t.paragraphs!.filter((p) => p.speaker === "Obi-Wan")).toHaveLength(2);
    expect(t.enhancements).toEqual({ summary: "A greeting." });
  });

  it("merges two labels given one name, and a label renamed to another existing label", () => {
    const named = renameSpeakers(sample(), { "Speaker 1": "Alice" });
    const merged = renameSpeakers(named, { "Speaker 3": "Alice" });
    expect(merged.speakers).toEqual(["Alice", "Speaker 2"]);
    expect(merged.segments.map((s) => s.speaker)).toEqual(["Alice", "Speaker 2", "Alice", "Alice"]);
    const intoExisting = renameSpeakers(sample(), { "Speaker 3": "Speaker 2" });
    expect(intoExisting.speakers).toEqual(["Speaker 1", "Speaker 2"]);
    // Adjacent segments of one speaker now form one paragraph.
    const bothAlice = renameSpeakers(sample(), { "Speaker 1": "Alice", "Speaker 2": "Alice" });
    expect(bothAlice.paragraphs!.map((p) => p.speaker)).toEqual(["Alice", "Speaker 3"]);
    expect(bothAlice.paragraphs![0]!.text).toBe("Hello there. General Kenobi. You are a bold one.");
  });

  it("refuses unknown labels, empty names and control characters", () => {
    expect(() => renameSpeakers(sample(), { "Speaker 9": "X" })).toThrow(TranscriptEditError);
    expect(() => renameSpeakers(sample(), { "Speaker 1": "   " })).toThrow(/1-100 characters/);
    expect(() => renameSpeakers(sample(), { "Speaker 1": "a\u0007b" })).toThrow(/control/);
    expect(() => renameSpeakers(sample(), {})).toThrow(/at least one/);
  });

  it("makes every format show the name, even for a transcript with one speaker", () => {
    const one = assembleTranscript({ language: "en", durationSec: 5, segments: [seg(0, 3, "Alone here.", "Speaker 1")] });
    expect(renderTranscript(one, "txt").body).not.toContain("Speaker 1");
    const named = renameSpeakers(one, { "Speaker 1": "Dr. Rao" });
    expect(labelsSpeakers(named)).toBe(true);
    for (const format of ["json", "txt", "srt", "vtt", "md"] as const) {
      expect(renderTranscript(named, format).body, format).toContain("Dr. Rao");
    }
    expect(renderTranscript(named, "vtt").body).toContain("<v Dr. Rao>Alone here.");
  });
});

describe("applySegmentEdits", () => {
  it("replaces a segment's text and re-aligns its words inside the segment's time", () => {
    const t = applySegmentEdits(sample(), [{ index: 2, text: "You are a very bold one indeed." }]);
    const s = t.segments[2]!;
    expect(s.text).toBe("You are a very bold one indeed.");
    expect(s.words.map((w) => w.word)).toEqual(["You", "are", "a", "very", "bold", "one", "indeed"]);
    expect(s.words[0]!.start).toBe(8);
    expect(s.words.at(-1)!.end).toBe(11);
    for (let i = 1; i < s.words.length; i++) expect(s.words[i]!.start).toBeGreaterThanOrEqual(s.words[i - 1]!.end);
    expect(s.words.every((w) => w.speaker === "Speaker 1" && w.confidence === undefined)).toBe(true);
    expect(t.text).toContain("very bold one indeed");
    expect(t.text).not.toContain("You are a bold one.");
    // The other segments keep the engine's words.
    expect(t.segments[0]).toEqual(sample().segments[0]);
  });

  it("shares time in proportion to word length", () => {
    const words = realignWords("a bbbbbbb", 0, 10);
    // weights 2 and 8: "a" takes the first fifth (less the space), the long word the rest.
    expect(words).toEqual([
      { start: 0, end: 1, word: "a" },
      { start: 2, end: 10, word: "bbbbbbb" },
    ]);
  });

  it("moves a segment within its neighbours and relabels its speaker", () => {
    const t = applySegmentEdits(sample(), [{ index: 1, text: "General Kenobi.", start: 3.5, end: 7.5, speaker: "Grievous" }]);
    expect(t.segments[1]).toMatchObject({ start: 3.5, end: 7.5, speaker: "Grievous" });
    expect(t.segments[1]!.words[0]!.start).toBe(3.5);
    expect(t.speakers).toContain("Grievous");
    expect(t.speakers).not.toContain("Speaker 2");
  });

  it("keeps engine words when only the speaker changes", () => {
    const t = applySegmentEdits(sample(), [{ index: 0, text: "Hello there.", speaker: "Ben" }]);
    expect(t.segments[0]!.words.map((w) => [w.word, w.confidence, w.speaker])).toEqual([
      ["hello", 0.9, "Ben"],
      ["there", 0.9, "Ben"],
    ]);
  });

  it("refuses bad indexes, duplicates, empty text and times outside the neighbours or the recording", () => {
    const bad = (edits: Parameters<typeof applySegmentEdits>[1]) => () => applySegmentEdits(sample(), edits);
    expect(bad([{ index: 4, text: "x" }])).toThrow(/does not exist/);
    expect(bad([{ index: -1, text: "x" }])).toThrow(/does not exist/);
    expect(
      bad([
        { index: 0, text: "x" },
        { index: 0, text: "y" },
      ]),
    ).toThrow(/twice/);
    expect(bad([{ index: 0, text: "  " }])).toThrow(/characters/);
    expect(bad([{ index: 1, text: "x", start: 2 }])).toThrow(/within 3-8/);
    expect(bad([{ index: 3, text: "x", end: 21 }])).toThrow(/within/);
    expect(bad([{ index: 3, text: "x", start: 14, end: 13 }])).toThrow(/before end/);
    expect(bad([])).toThrow(/at least one/);
  });
});
