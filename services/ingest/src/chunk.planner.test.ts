import { describe, expect, it } from "vitest";
import { createEnergyMeter, meterFinish, meterPush, planChunks, type PlanOptions } from "./chunk.planner.ts";

const SR = 16_000;
const OPTS: PlanOptions = { sampleRate: SR, frameSamples: 320, maxChunkSec: 30, searchSec: 5 };

/** Loud 200 Hz tone with silent gaps at the given [startSec, endSec) ranges. */
function toneWithGaps(totalSec: number, gaps: [number, number][]): Int16Array {
  const pcm = new Int16Array(Math.round(totalSec * SR));
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(12_000 * Math.sin((2 * Math.PI * 200 * i) / SR));
  for (const [a, b] of gaps) pcm.fill(0, Math.round(a * SR), Math.round(b * SR));
  return pcm;
}

const bytesOf = (pcm: Int16Array) => new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);

function measure(pcm: Int16Array, pieces = 1) {
  const meter = createEnergyMeter(OPTS.frameSamples);
  const bytes = bytesOf(pcm);
  const step = Math.ceil(bytes.length / pieces);
  for (let i = 0; i < bytes.length; i += step) meterPush(meter, bytes.subarray(i, i + step));
  return meterFinish(meter);
}

describe("createEnergyMeter", () => {
  it("computes RMS per frame, including a partial last frame", () => {
    const pcm = new Int16Array(320 + 160).fill(1000);
    pcm.fill(-2000, 320);
    const { energies, samples } = measure(pcm);
    expect(samples).toBe(480);
    expect(Array.from(energies)).toEqual([1000, 2000]);
  });

  it("gives the same result however the bytes are split, even mid-sample", () => {
    const pcm = toneWithGaps(1.3, [[0.5, 0.7]]);
    const whole = measure(pcm);
    const split = measure(pcm, 7); // odd-sized pieces split samples between pushes
    expect(split.samples).toBe(whole.samples);
    expect(Array.from(split.energies)).toEqual(Array.from(whole.energies));
  });

  it("reads bytes at an odd offset (copied sample by sample) as it reads aligned ones (in place)", () => {
    const pcm = toneWithGaps(0.9, [[0.2, 0.4]]);
    const aligned = measure(pcm);
    const bytes = new Uint8Array(pcm.byteLength + 1);
    bytes.set(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength), 1);
    const meter = createEnergyMeter(320);
    meterPush(meter, bytes.subarray(1)); // a view starting at an odd byte
    const odd = meterFinish(meter);
    expect(odd.samples).toBe(aligned.samples);
    expect(Array.from(odd.energies)).toEqual(Array.from(aligned.energies));
    // Known values, not only agreement: a full-scale frame then a silent one.
    const known = new Int16Array(640);
    known.fill(-32768, 0, 320);
    expect(Array.from(measure(known).energies)).toEqual([32768, 0]);
  });
});

describe("planChunks", () => {
  it("returns one chunk for audio under the limit", () => {
    const { energies, samples } = measure(toneWithGaps(12, []));
    expect(planChunks(energies, samples, OPTS)).toEqual([{ index: 0, startSample: 0, endSample: samples, startSec: 0, endSec: 12 }]);
  });

  it("returns one empty chunk for empty audio, and one chunk for pure silence", () => {
    expect(planChunks(new Float64Array(0), 0, OPTS)).toEqual([{ index: 0, startSample: 0, endSample: 0, startSec: 0, endSec: 0 }]);
    const { energies, samples } = measure(new Int16Array(10 * SR));
    expect(planChunks(energies, samples, OPTS)).toHaveLength(1);
  });

  it("cuts inside the silent gap before the limit, not at the limit", () => {
    const { energies, samples } = measure(toneWithGaps(50, [[27, 27.4]]));
    const chunks = planChunks(energies, samples, OPTS);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]!.endSec).toBeGreaterThanOrEqual(27);
    expect(chunks[0]!.endSec).toBeLessThan(27.4);
    expect(chunks[1]!.startSample).toBe(chunks[0]!.endSample);
    expect(chunks[1]!.endSec).toBe(50);
  });

  it("ignores quiet gaps outside the search window", () => {
    const { energies, samples } = measure(
      toneWithGaps(40, [
        [10, 11],
        [29, 29.5],
      ]),
    );
    const [first] = planChunks(energies, samples, OPTS);
    expect(first!.endSec).toBeGreaterThanOrEqual(29);
    expect(first!.endSec).toBeLessThan(29.5);
  });

  it("covers long audio with contiguous chunks, none longer than the limit", () => {
    const gaps: [number, number][] = Array.from({ length: 40 }, (_, i) => [i * 7.3 + 3, i * 7.3 + 3.25]);
    const { energies, samples } = measure(toneWithGaps(290, gaps));
    const chunks = planChunks(energies, samples, OPTS);
    expect(chunks[0]!.startSample).toBe(0);
    expect(chunks.at(-1)!.endSample).toBe(samples);
    chunks.forEach((c, i) => {
      expect(c.index).toBe(i);
      expect(c.endSample - c.startSample).toBeLessThanOrEqual(30 * SR);
      expect(c.endSample).toBeGreaterThan(c.startSample);
      if (i > 0) expect(c.startSample).toBe(chunks[i - 1]!.endSample);
      // every cut but the last chunk's end lands in a silent gap
      if (i < chunks.length - 1) expect(gaps.some(([a, b]) => c.endSec >= a && c.endSec < b)).toBe(true);
    });
  });

  it("cuts loud audio without silence at the limit at the latest quietest frame", () => {
    const { energies, samples } = measure(toneWithGaps(65, []));
    const chunks = planChunks(energies, samples, OPTS);
    expect(chunks.length).toBe(3);
    for (const c of chunks) expect(c.endSample - c.startSample).toBeLessThanOrEqual(30 * SR);
  });

  it("with a tail, shrinks the last chunks to half of what remains, down to the tail length", () => {
    const { energies, samples } = measure(toneWithGaps(200, []));
    const chunks = planChunks(energies, samples, { ...OPTS, minTailSec: 4 });
    const lengths = chunks.map((c) => (c.endSample - c.startSample) / SR);
    expect(chunks.at(-1)!.endSample).toBe(samples);
    lengths.forEach((len, i) => {
      expect(len).toBeLessThanOrEqual(30);
      const remaining = lengths.slice(i).reduce((a, b) => a + b, 0);
      if (i < lengths.length - 1) expect(len).toBeLessThanOrEqual(Math.max(4, remaining / 2) + 0.02);
    });
    expect(lengths.at(-1)).toBeLessThanOrEqual(4);
    // Full-length chunks first, then a shrinking tail.
    expect(lengths.slice(0, 5).every((l) => l > 25)).toBe(true);
    for (let i = lengths.findIndex((l) => l < 25); i > 0 && i < lengths.length - 1; i++) expect(lengths[i + 1]).toBeLessThanOrEqual(lengths[i]! + 0.02);
  });

  it("with a tail, still cuts the shrinking chunks in silent gaps", () => {
    const gaps: [number, number][] = Array.from({ length: 30 }, (_, i) => [i * 3.1 + 1, i * 3.1 + 1.3]);
    const { energies, samples } = measure(toneWithGaps(90, gaps));
    const chunks = planChunks(energies, samples, { ...OPTS, minTailSec: 5 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks.slice(0, -1)) expect(gaps.some(([a, b]) => c.endSec >= a && c.endSec < b)).toBe(true);
  });
});
