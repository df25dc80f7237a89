import { librivoxClips, wordErrorRate } from "@mp4t/testing";
import { describe, expect, it } from "vitest";
import { createPocketsphinxEngine } from "../src/adapters/pocketsphinx.adapter.ts";
import { chunkWavFile } from "../src/chunk-wav.ts";

const engine = createPocketsphinxEngine({ bin: "pocketsphinx_continuous" });

describe("pocketsphinx adapter", () => {
  it("returns plain words with confidences and increasing times within the clip", async () => {
    const clip = (await librivoxClips()).find((c) => c.id.endsWith("0920"))!;
    const words = await engine.transcribe(await chunkWavFile(clip.path), { language: "en", signal: new AbortController().signal });
    expect(wordErrorRate(clip.reference, words.map((w) => w.word).join(" "))).toBeLessThan(0.5);
    words.forEach((w, i) => {
      expect(w.word).not.toMatch(/[<>[\]()+]/);
      expect(w.confidence).toBeGreaterThanOrEqual(0);
      expect(w.confidence).toBeLessThanOrEqual(1);
      expect(w.end).toBeLessThanOrEqual(clip.durationSec);
      if (i > 0) expect(w.start).toBeGreaterThanOrEqual(words[i - 1]!.end);
    });
  });

  it("kills the running recogniser when the signal aborts", async () => {
    const [clip] = await librivoxClips();
    const ac = new AbortController();
    const running = engine.transcribe(await chunkWavFile(clip!.path), { language: "en", signal: ac.signal }); // spawned synchronously
    ac.abort();
    await expect(running).rejects.toMatchObject({ name: "AbortError" });
  });

  it("fails with a retryable ENGINE_FAILED when the recogniser exits non-zero", async () => {
    const missing = createPocketsphinxEngine({ bin: "pocketsphinx_continuous", hmm: "/nonexistent/model" });
    const [clip] = await librivoxClips();
    await expect(missing.transcribe(await chunkWavFile(clip!.path), { language: "en", signal: new AbortController().signal })).rejects.toMatchObject({
      name: "RetryableError",
      code: "ENGINE_FAILED",
    });
  });
});
