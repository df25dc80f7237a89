import { describe, expect, it } from "vitest";
import { computeMfcc, dctMatrix, melFilterbank } from "./mfcc.ts";

const tone = (hz: number, sec: number, rate = 16_000) => Float32Array.from({ length: sec * rate }, (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / rate));

describe("mfcc", () => {
  it("frames at 25 ms every 10 ms with 13 coefficients", () => {
    const f = computeMfcc(tone(440, 1), 16_000);
    expect(f.frames).toBe(1 + Math.floor((16_000 - 400) / 160));
    expect(f.hopSec).toBeCloseTo(0.01);
    expect(f.mfcc[0]).toHaveLength(13);
  });

  it("tells a low tone from a high one and stays stable within each", () => {
    const low = computeMfcc(tone(200, 1), 16_000).mfcc;
    const high = computeMfcc(tone(3000, 1), 16_000).mfcc;
    const dist = (a: Float64Array, b: Float64Array) => Math.hypot(...a.map((x, i) => (i === 0 ? 0 : x - b[i]!)));
    expect(dist(low[10]!, low[50]!)).toBeLessThan(0.5);
    expect(dist(low[10]!, high[10]!)).toBeGreaterThan(5);
  });

  it("measures louder frames as higher energy", () => {
    const f = computeMfcc(
      Float32Array.from(tone(440, 1), (x, i) => (i < 8000 ? x * 0.01 : x)),
      16_000,
    );
    expect(f.logEnergy[80]! - f.logEnergy[10]!).toBeCloseTo(2 * Math.log(100), 1);
  });

  it("builds triangular mel filters that cover the spectrum and an orthonormal DCT", () => {
    const bank = melFilterbank(26, 512, 16_000);
    expect(bank).toHaveLength(26);
    for (const row of bank) expect(Math.max(...row)).toBeGreaterThan(0.5);
    const d = dctMatrix(13, 26);
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
    expect(dot(d[1]!, d[1]!)).toBeCloseTo(1, 9);
    expect(dot(d[1]!, d[2]!)).toBeCloseTo(0, 9);
  });
});
