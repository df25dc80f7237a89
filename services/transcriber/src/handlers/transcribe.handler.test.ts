import { describe, expect, it } from "vitest";
import { shiftWords } from "./transcribe.handler.ts";

describe("shiftWords", () => {
  it("moves chunk-relative times onto the recording and rounds to milliseconds", () => {
    expect(shiftWords([{ start: 0.21, end: 0.32, word: "he", confidence: 0.9 }], 30.0004, 60)).toEqual([
      { start: 30.21, end: 30.32, word: "he", confidence: 0.9 },
    ]);
  });

  it("keeps times inside the chunk when the engine overshoots its end", () => {
    expect(shiftWords([{ start: 9.9, end: 10.2, word: "end" }], 20, 30)).toEqual([{ start: 29.9, end: 30, word: "end" }]);
  });
});
