import { describe, expect, it } from "vitest";
import { smoothTurns, snapChanges } from "./smoothing.ts";

describe("smoothTurns", () => {
  it("gives a short slip between two turns of one speaker to that speaker, and joins them", () => {
    const turns = [
      { start: 0, end: 4, speaker: 0 },
      { start: 4.1, end: 4.6, speaker: 1 },
      { start: 4.7, end: 9, speaker: 0 },
      { start: 9.5, end: 14, speaker: 1 },
    ];
    expect(smoothTurns(turns, { joinGapSec: 0.2 })).toEqual([
      { start: 0, end: 9, speaker: 0 },
      { start: 9.5, end: 14, speaker: 1 },
    ]);
    // By default pauses stay out of the turns: the slip is relabelled, not joined.
    expect(smoothTurns(turns).map((t) => t.speaker)).toEqual([0, 0, 0, 1]);
  });

  it("keeps a short turn that sits between two different speakers, and long interjections", () => {
    const turns = [
      { start: 0, end: 4, speaker: 0 },
      { start: 4.2, end: 4.8, speaker: 1 },
      { start: 5, end: 9, speaker: 2 },
      { start: 9.2, end: 11, speaker: 1 },
      { start: 11.2, end: 15, speaker: 2 },
    ];
    expect(smoothTurns(turns)).toEqual(turns);
  });

  it("renumbers speakers by first appearance when one disappears", () => {
    const turns = [
      { start: 0, end: 3, speaker: 0 },
      { start: 3.2, end: 3.5, speaker: 1 },
      { start: 3.7, end: 6, speaker: 0 },
      { start: 7, end: 9, speaker: 2 },
    ];
    expect(smoothTurns(turns).map((t) => t.speaker)).toEqual([0, 0, 0, 1]);
  });

  it("does not join turns of one speaker across a long pause", () => {
    const turns = [
      { start: 0, end: 2, speaker: 0 },
      { start: 5, end: 6, speaker: 0 },
    ];
    expect(smoothTurns(turns)).toEqual(turns);
  });

  it("keeps a short turn set off by pauses: a real interjection", () => {
    const turns = [
      { start: 0, end: 4, speaker: 0 },
      { start: 4.5, end: 5.1, speaker: 1 },
      { start: 5.6, end: 9, speaker: 0 },
    ];
    expect(smoothTurns(turns)).toEqual(turns);
  });
});

describe("snapChanges", () => {
  const hop = 0.01;
  /** A frame mask of `sec` seconds of speech with the given pauses (seconds) cut out. */
  const speechWithPauses = (sec: number, pauses: [number, number][]) => {
    const mask = new Uint8Array(Math.round(sec / hop)).fill(1);
    for (const [a, b] of pauses) mask.fill(0, Math.round(a / hop), Math.round(b / hop));
    return mask;
  };

  it("moves a change inside continuous speech to the nearest pause and leaves the pause out of both turns", () => {
    const turns = [
      { start: 0, end: 5.2, speaker: 0 },
      { start: 5.2, end: 9, speaker: 1 },
    ];
    // The quick reply's pause (5.0-5.15 s) and, farther from the change, a stop inside the reply's first word.
    const speech = speechWithPauses(9, [
      [5, 5.15],
      [5.38, 5.45],
    ]);
    expect(snapChanges(turns, speech, hop)).toEqual([
      { start: 0, end: 5, speaker: 0 },
      { start: 5.15, end: 9, speaker: 1 },
    ]);
  });

  it("leaves a change with no pause near it, a change at a real pause, and one speaker's turns as they are", () => {
    const turns = [
      { start: 0, end: 3, speaker: 0 },
      { start: 3, end: 6, speaker: 1 },
      { start: 6.5, end: 8, speaker: 0 },
      { start: 8, end: 10, speaker: 0 },
    ];
    const speech = speechWithPauses(10, [
      [1, 1.2],
      [6, 6.5],
      [8.1, 8.3],
    ]);
    expect(snapChanges(turns, speech, hop)).toEqual(turns);
  });
});
