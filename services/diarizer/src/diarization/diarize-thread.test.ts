import { describe, expect, it } from "vitest";
import { diarize } from "./diarize.ts";
import { threadRunner } from "./diarize-thread.ts";

/** 12 s at 16 kHz: two "voices" (tones with different harmonics and noise) taking turns, and pauses. */
function twoVoices(): { sampleRate: number; samples: Float32Array } {
  const sampleRate = 16_000;
  const samples = new Float32Array(sampleRate * 12);
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.05;
  for (let i = 0; i < samples.length; i++) {
    const t = i / sampleRate;
    const sec = Math.floor(t);
    if (t % 1 > 0.85) continue; // a pause between turns
    const f = sec % 4 < 2 ? 140 : 260;
    samples[i] = 0.3 * Math.sin(2 * Math.PI * f * t) + 0.15 * Math.sin(2 * Math.PI * 3 * f * t) + noise();
  }
  return { sampleRate, samples };
}

describe("diarizer worker thread", () => {
  it("gives the result the same work gives on this thread, and reuses the thread", async () => {
    const audio = twoVoices();
    const words = Array.from({ length: 12 }, (_, i) => ({ start: i + 0.1, end: i + 0.7 }));
    const inline = await diarize(audio, { words, maxSpeakers: 3 });
    const runner = threadRunner();
    try {
      const threaded = await runner.diarize(audio, { words, maxSpeakers: 3, yield: async () => undefined });
      expect(threaded).toEqual(inline);
      expect(inline.turns.length).toBeGreaterThan(0);
      // A second job reuses the thread.
      expect(await runner.diarize(audio, { words, maxSpeakers: 3 })).toEqual(inline);
    } finally {
      await runner.close();
    }
  }, 60_000);

  it("reads samples in shared memory where they are, leaving the caller's view whole", async () => {
    const audio = twoVoices();
    const samples = new Float32Array(new SharedArrayBuffer(audio.samples.byteLength));
    samples.set(audio.samples);
    const words = Array.from({ length: 12 }, (_, i) => ({ start: i + 0.1, end: i + 0.7 }));
    const runner = threadRunner();
    try {
      expect(await runner.diarize({ sampleRate: audio.sampleRate, samples }, { words, maxSpeakers: 3 })).toEqual(
        await diarize(audio, { words, maxSpeakers: 3 }),
      );
      expect(samples.length).toBe(audio.samples.length); // not transferred away: the caller's kept buffer
      expect(samples).toEqual(audio.samples);
    } finally {
      await runner.close();
    }
  }, 60_000);

  it("passes the thread's failure to the caller", async () => {
    const runner = threadRunner();
    try {
      await expect(runner.diarize({ sampleRate: 16_000, samples: undefined as unknown as Float32Array }, {})).rejects.toThrow(/diarizer thread/);
    } finally {
      await runner.close();
    }
  }, 60_000);
});
