import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChunkResult } from "@mp4t/contracts";
import { stitchChunks } from "@mp4t/transcript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConversation, VOICES } from "../../test/speech-fixtures.ts";
import { hasProviderSpeakers, linkProviderSpeakers, qualify } from "./link-speakers.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mp4t-link-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("provider speakers", () => {
  it("keeps the provider's speakers and links its per-request labels across chunks by voice", async () => {
    const turns = [0, 1, 2, 3, 4].flatMap((i) => [
      { speaker: 0, source: VOICES.reader(i) },
      { speaker: 1, source: VOICES.cards(i) },
    ]);
    const { audio, reference } = await buildConversation(dir, turns);
    // Two requests; each provider call names whoever it hears first "A", so the labels swap.
    const cut = reference[5]!.start;
    const chunk = (index: number, from: number, to: number): ChunkResult => {
      const inside = reference.filter((r) => r.start >= from && r.start < to);
      const first = inside[0]!.speaker;
      return {
        index,
        startSec: from,
        endSec: to,
        engine: "openai",
        words: inside.map((r, i) => ({ start: r.start, end: r.end, word: `w${index}.${i}`, speaker: r.speaker === first ? "A" : "B" })),
      };
    };
    const results = [chunk(0, 0, cut), chunk(1, cut, 1e9)];
    expect(results[1]!.words[0]!.speaker).toBe("A"); // chunk 1 starts with the cards speaker
    expect(hasProviderSpeakers(results)).toBe(true);
    const words = await linkProviderSpeakers(audio, stitchChunks(qualify(results)));
    const truth = reference.map((r) => r.speaker);
    const named = words.map((w) => w.speaker);
    expect(new Set(named)).toEqual(new Set(["Speaker 1", "Speaker 2"]));
    expect(named.map((n) => (n === "Speaker 1" ? 0 : 1))).toEqual(truth);
  });

  it("names a single request's labels without touching the audio", async () => {
    const words = await linkProviderSpeakers({ sampleRate: 16_000, samples: new Float32Array(0) }, [
      { start: 0, end: 1, word: "hi", speaker: "0/B" },
      { start: 1, end: 2, word: "there" },
      { start: 2, end: 3, word: "yes", speaker: "0/A" },
    ]);
    expect(words.map((w) => w.speaker)).toEqual(["Speaker 1", "Speaker 1", "Speaker 2"]);
    expect(hasProviderSpeakers([{ index: 0, startSec: 0, endSec: 1, engine: "pocketsphinx", words: [{ start: 0, end: 1, word: "x" }] }])).toBe(false);
  });
});
