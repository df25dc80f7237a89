import { describe, expect, it } from "vitest";
import { fft, powerSpectrum } from "./fft.ts";

/** The textbook O(n^2) DFT, to check the fast one against. */
function dft(x: number[]) {
  const n = x.length;
  return Array.from({ length: n }, (_, k) => {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      re += x[t]! * Math.cos((-2 * Math.PI * k * t) / n);
      im += x[t]! * Math.sin((-2 * Math.PI * k * t) / n);
    }
    return [re, im] as const;
  });
}

describe("fft", () => {
  // Sizes whose stages after the first two pair up (16, 64, 256) and those with one left over (8, 32, 128).
  it.each([1, 2, 4, 8, 16, 32, 64, 128, 256])("matches the direct DFT at size %i, complex input", (n) => {
    const x = Array.from({ length: n }, (_, i) => Math.sin(i * 0.3) + 0.5 * Math.cos(i * 1.7) + (i % 5) * 0.1);
    const y = Array.from({ length: n }, (_, i) => Math.cos(i * 0.71) - ((i * 3) % 7) * 0.05);
    const re = Float64Array.from(x);
    const im = Float64Array.from(y);
    fft(re, im);
    // DFT(x + iy) = DFT(x) + i DFT(y)
    const [dx, dy] = [dft(x), dft(y)];
    for (let k = 0; k < n; k++) {
      expect(re[k]).toBeCloseTo(dx[k]![0] - dy[k]![1], 9);
      expect(im[k]).toBeCloseTo(dx[k]![1] + dy[k]![0], 9);
    }
  });

  it("puts a pure tone's power in its bin", () => {
    const n = 512;
    const tone = Float64Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * 32 * i) / n));
    const p = powerSpectrum(tone, n);
    const peak = p.indexOf(Math.max(...p));
    expect(peak).toBe(32);
    expect(p[peak]).toBeCloseTo((n / 2) ** 2, 6);
  });

  it("gives the power of the direct DFT of a real frame, zero-padded", () => {
    for (const [n, len] of [
      [4, 3],
      [8, 8],
      [16, 13],
      [64, 50],
      [256, 200],
      [512, 400],
    ] as const) {
      const x = Array.from({ length: len }, (_, i) => Math.sin(i * 0.37) - 0.3 * Math.cos(i * 2.1) + ((i * 7) % 11) / 20);
      const padded = [...x, ...new Array<number>(n - len).fill(0)];
      const expected = dft(padded);
      const p = powerSpectrum(Float64Array.from(x), n);
      expect(p.length).toBe(n / 2 + 1);
      for (let k = 0; k <= n / 2; k++) {
        const [r, i] = expected[k]!;
        expect(p[k]).toBeCloseTo(r * r + i * i, 7);
      }
    }
  });

  it("rejects sizes that are not powers of two", () => {
    expect(() => fft(new Float64Array(12), new Float64Array(12))).toThrow(/power of two/);
  });
});
