import { describe, expect, it } from "vitest";
import { lectureNotes } from "./notes.ts";

const para = (start: number, text: string) => ({ start, end: start + 20, text });

describe("lectureNotes", () => {
  it("lists key terms and one section of points per stretch of the talk", () => {
    const notes = lectureNotes([
      para(0, "Photosynthesis turns light into sugar. Chlorophyll captures the light. Chlorophyll is green."),
      para(200, "The Calvin cycle fixes carbon. The Calvin cycle runs in the stroma."),
      para(420, "Respiration releases the energy stored in sugar. Mitochondria do respiration."),
      para(640, "So sugar links photosynthesis and respiration. That is the whole story."),
    ]);
    expect(notes).toMatch(/^### Key terms\n\n- /);
    expect(notes).toContain("- calvin cycle");
    const parts = notes.match(/^### Part \d+ \(\d\d:\d\d–\d\d:\d\d\)$/gm) ?? [];
    expect(parts).toHaveLength(3);
    expect(notes).toContain("### Part 1 (00:00–");
    for (const block of notes.split(/^### Part/m).slice(1)) expect(block.match(/^- /gm)!.length).toBeGreaterThan(0);
  });

  it("uses one key-points section for a short talk and nothing for no text", () => {
    const notes = lectureNotes([para(0, "Short talk about gravity. Gravity pulls masses together.")]);
    expect(notes).toContain("### Key points\n\n- Short talk about gravity.\n- Gravity pulls masses together.");
    expect(lectureNotes([])).toBe("");
  });
});
