import { describe, expect, it } from "vitest";
import { computeMfcc, createMfccExtractor, dctMatrix, extractFrames, melFilterbank, type Features } from "./mfcc.ts";

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

describe("extractors sharing one setting's work space", () => {
  it("give the same frames when their slices interleave, and apart from another setting's", () => {
    const tone = (hz: number, n: number) =>
      Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / 16_000) + 0.01 * Math.sin(i * 0.37));
    const a = tone(220, 16_000);
    const b = tone(1_300, 12_000);
    const alone = [computeMfcc(a, 16_000), computeMfcc(b, 16_000)];
    const other = computeMfcc(a, 16_000, { coefficients: 20 });
    const xa = createMfccExtractor(a, 16_000);
    const xb = createMfccExtractor(b, 16_000);
    const fa: Features = { hopSec: xa.hopSec, frames: xa.frames, mfcc: new Array(xa.frames), logEnergy: new Float64Array(xa.frames) };
    const fb: Features = { hopSec: xb.hopSec, frames: xb.frames, mfcc: new Array(xb.frames), logEnergy: new Float64Array(xb.frames) };
    for (let f = 0; f < Math.max(xa.frames, xb.frames); f += 7) {
      extractFrames(xa, f, f + 7, fa);
      extractFrames(xb, f, f + 7, fb);
    }
    expect(fa.mfcc.map((r) => [...r])).toEqual(alone[0]!.mfcc.map((r) => [...r]));
    expect([...fa.logEnergy]).toEqual([...alone[0]!.logEnergy]);
    expect(fb.mfcc.map((r) => [...r])).toEqual(alone[1]!.mfcc.map((r) => [...r]));
    // Another setting at the same rate has its own tables: 20 coefficients, of which the first 13 agree.
    expect(other.mfcc[10]!.length).toBe(20);
    expect([...other.mfcc[10]!.subarray(0, 13)].map((v) => v.toFixed(9))).toEqual([...alone[0]!.mfcc[10]!].map((v) => v.toFixed(9)));
  });
});

describe("the WebAssembly kernel", () => {
  // A voice-like mix (a low fundamental, a formant glide, noise), 3.3 s: more frames than one kernel call takes.
  const voice = (n: number) => {
    let seed = 7;
    const noise = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.02;
    return Float32Array.from(
      { length: n },
      (_, i) => 0.2 * Math.sin((2 * Math.PI * 130 * i) / 16_000) + 0.1 * Math.sin((2 * Math.PI * (700 + i / 40) * i) / 16_000) + noise(),
    );
  };

  // 16 kHz: a 512-point FFT, every pass two stages in vectors; 8 kHz: 256 points, the last stage
  // alone; 22.05 kHz: frames of 551 samples (odd: the last one has no partner in its vector) and 1,024 points.
  it.each([16_000, 8_000, 22_050])("gives the plainly written reference's coefficients and energies at %i Hz, in any slices", async (rate) => {
    const { referenceMfcc } = await import("../../test/mfcc-reference.ts");
    const samples = voice((rate * 33) / 10);
    const ref = referenceMfcc(samples, rate);
    const x = createMfccExtractor(samples, rate);
    const got: Features = { hopSec: x.hopSec, frames: x.frames, mfcc: new Array(x.frames), logEnergy: new Float64Array(x.frames) };
    // Slices that start mid-block and cross the kernel's 256-frame calls.
    for (const [from, to] of [
      [0, 1],
      [1, 7],
      [7, 300],
      [300, x.frames],
    ] as const)
      extractFrames(x, from, to, got);
    expect(x.frames).toBe(ref.mfcc.length);
    expect(x.frames).toBeGreaterThan(300);
    let worst = 0;
    for (let f = 0; f < x.frames; f++) {
      for (let k = 0; k < 13; k++) worst = Math.max(worst, Math.abs(got.mfcc[f]![k]! - ref.mfcc[f]![k]!));
      worst = Math.max(worst, Math.abs(got.logEnergy[f]! - ref.logEnergy[f]!));
    }
    // Sums in another order and another log: equal to about 1e-14; a wrong twiddle or span is off by whole units.
    expect(worst).toBeLessThan(1e-9);
  });

  it("refuses an FFT size its radix-2 transform cannot take", () => {
    expect(() => computeMfcc(voice(16_000), 16_000, { fftSize: 500 })).toThrow(/power of two/);
    expect(() => computeMfcc(voice(16_000), 16_000, { fftSize: 2 })).toThrow(/power of two/);
  });

  it("is the module its source compiles to (the package's build:wasm script)", async () => {
    const { readFile, mkdtemp, rm } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const asc = (await import("assemblyscript/asc")).default;
    const root = join(import.meta.dirname, "..", "..");
    const script = (JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts["build:wasm"]!;
    const args = script.split(" ").slice(1);
    const out = args.indexOf("-o");
    const dir = await mkdtemp(join(tmpdir(), "mp4t-wasm-"));
    try {
      const built = join(dir, "mfcc.wasm");
      // The source's path made absolute: asc reads it from the working directory, not baseDir.
      const withOut = args.map((a, i) => (i === out + 1 ? built : i === 0 ? join(root, a) : a));
      let said = "";
      const say = { write: (s: string) => ((said += s), true) };
      const { error } = await asc.main(withOut, { stdout: say, stderr: say });
      expect(error ?? null, said).toBeNull();
      expect(Buffer.compare(await readFile(built), await readFile(join(root, args[out + 1]!)))).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
