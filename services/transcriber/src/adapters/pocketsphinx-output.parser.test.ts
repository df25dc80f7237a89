import { describe, expect, it } from "vitest";
import { parsePocketsphinxOutput } from "./pocketsphinx-output.parser.ts";

const OUTPUT = `he was not an illness those young man
<s> 0.000 0.060 0.999500
<sil> 0.070 0.200 0.694306
he 0.210 0.320 0.998701
was(2) 0.330 0.540 0.999800
[SPEECH] 0.980 1.100 0.535598
[NOISE] 1.100 1.105 0.2
++BREATH++ 1.105 1.109 0.3
an(2) 1.110 1.290 0.472940
</s> 2.800 3.090 1.000000
he might
<s> 4.880 4.970 0.999900
might 5.380 5.620 1.000100
`;

describe("parsePocketsphinxOutput", () => {
  it("keeps words with times and confidence, drops markers, noise and fillers, strips (2)", () => {
    expect(parsePocketsphinxOutput(OUTPUT)).toEqual([
      { start: 0.21, end: 0.32, word: "he", confidence: 0.998701 },
      { start: 0.33, end: 0.54, word: "was", confidence: 0.9998 },
      { start: 1.11, end: 1.29, word: "an", confidence: 0.47294 },
      { start: 5.38, end: 5.62, word: "might", confidence: 1 },
    ]);
  });

  it("ignores hypothesis lines, even four-word ones, and empty output", () => {
    expect(parsePocketsphinxOutput("he was not an\nand so on and\n")).toEqual([]);
    expect(parsePocketsphinxOutput("")).toEqual([]);
  });

  it("tolerates CRLF line ends and extra spaces", () => {
    expect(parsePocketsphinxOutput("  john   0.630 1.000  0.929128\r\n")).toEqual([{ start: 0.63, end: 1, word: "john", confidence: 0.929128 }]);
  });
});
