import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { decodeWav, encodeWav } from "./wav.ts";

describe("wav", () => {
  it("round-trips 16-bit mono PCM", () => {
    const samples = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i / 5) * 0.5);
    const back = decodeWav(encodeWav({ sampleRate: 16_000, samples }));
    expect(back.sampleRate).toBe(16_000);
    back.samples.forEach((x, i) => expect(x).toBeCloseTo(samples[i]!, 4));
  });

  it("decodes into the array it is given, which must hold exactly the samples", () => {
    const samples = Float32Array.from({ length: 100 }, (_, i) => Math.cos(i / 7) * 0.25);
    const wav = encodeWav({ sampleRate: 16_000, samples });
    const reused = new Float32Array(300).fill(9);
    const back = decodeWav(wav, (n) => reused.subarray(0, n));
    expect(back.samples.buffer).toBe(reused.buffer);
    expect([...back.samples]).toEqual([...decodeWav(wav).samples]);
    expect(reused[100]).toBe(9); // nothing written past the samples
    expect(() => decodeWav(wav, () => new Float32Array(99))).toThrow(/gave 99 samples for 100/);
  });

  it("gives every 16-bit value exactly as v / 32768, in place or read one by one", () => {
    const values = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
    const mono = encodeWav({ sampleRate: 8000, samples: new Float32Array(values.length) });
    new Int16Array(mono.buffer, 44).set(values);
    const a = decodeWav(mono).samples;
    expect(a.length).toBe(65536);
    // The same data unaligned (one byte further into its buffer): the path that reads sample by sample.
    const shifted = new Uint8Array(mono.length + 1);
    shifted.set(mono, 1);
    const b = decodeWav(shifted.subarray(1)).samples;
    for (let i = 0; i < values.length; i++) {
      if (a[i] !== values[i]! / 32768 || b[i] !== a[i]) expect({ i, a: a[i], b: b[i] }).toEqual({ i, a: values[i]! / 32768, b: values[i]! / 32768 });
    }
    expect([a[0], a[32768], a[65535]]).toEqual([-1, 0, 32767 / 32768]);
  });

  it("reads a real recording", async () => {
    const a = decodeWav(new Uint8Array(await readFile("/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav")));
    expect(a.sampleRate).toBe(16_000);
    expect(a.samples.length / a.sampleRate).toBeCloseTo(2.99, 2);
  });

  it("rejects what is not 16-bit PCM WAVE", () => {
    expect(() => decodeWav(new TextEncoder().encode("not a wave file at all"))).toThrow(/RIFF/);
    const float = encodeWav({ sampleRate: 8000, samples: new Float32Array(4) });
    new DataView(float.buffer).setUint16(34, 32, true);
    expect(() => decodeWav(float)).toThrow(/unsupported/);
  });
});
