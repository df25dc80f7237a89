import { describe, expect, it } from "vitest";
import { enhance } from "./enhance.ts";

const paragraphs = [
  { start: 0, end: 5, speaker: "Speaker 1", text: "Um, so the the budget is late. We need more time." },
  { start: 6, end: 9, speaker: "Speaker 2", text: "Uh, I agree. The budget needs a week." },
];

describe("enhance", () => {
  it("produces only what was asked", () => {
    const { enhancements, unsupported } = enhance(paragraphs, ["Speaker 1", "Speaker 2"], ["clean"]);
    expect(enhancements).toEqual({ clean: "Speaker 1: So the budget is late. We need more time.\n\nSpeaker 2: I agree. The budget needs a week." });
    expect(unsupported).toEqual([]);
  });

  it("builds summary and notes, and reports translations it cannot do", () => {
    const { enhancements, unsupported } = enhance(paragraphs, ["Speaker 1", "Speaker 2"], ["summary", "notes", "translate:de"]);
    expect(enhancements.summary).toContain("budget");
    expect(enhancements.summary).not.toMatch(/\bUm\b|\bUh\b/);
    expect(enhancements.notes).toContain("### Key terms");
    expect(enhancements.translations).toBeUndefined();
    expect(unsupported).toEqual(["translate:de"]);
  });

  it("leaves speaker names out of a one-speaker clean text", () => {
    const { enhancements } = enhance([{ ...paragraphs[0]!, speaker: "Speaker 1" }], ["Speaker 1"], ["clean"]);
    expect(enhancements.clean).toBe("So the budget is late. We need more time.");
  });
});
