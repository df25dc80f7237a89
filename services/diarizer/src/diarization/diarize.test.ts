import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConversation, VOICES } from "../../test/speech-fixtures.ts";
import { diarizationErrorRate } from "./der.ts";
import { diarize } from "./diarize.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mp4t-diarize-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("diarize (real recorded voices)", () => {
  it("separates the LibriVox reader from a woman's voice, counting speakers itself", async () => {
    const turns = [0, 1, 2, 3, 4].flatMap((i) => [
      { speaker: 0, source: VOICES.reader(i) },
      { speaker: 1, source: VOICES.woman(i) },
    ]);
    const { audio, reference } = await buildConversation(join(dir), turns);
    const auto = await diarize(audio);
    expect(auto.speakers).toBe(2);
    const der = diarizationErrorRate(reference, auto.turns);
    expect(der).toBeLessThan(0.1);
    const given = await diarize(audio, { speakers: 2 });
    expect(diarizationErrorRate(reference, given.turns)).toBeLessThan(0.1);
  });

  it("separates three speakers (the reader, a woman, the cards speaker)", async () => {
    const turns = [0, 1, 2, 3].flatMap((i) => [
      { speaker: 0, source: VOICES.reader(i) },
      { speaker: 1, source: VOICES.woman(i) },
      { speaker: 2, source: VOICES.cards(i + 1) },
    ]);
    const { audio, reference } = await buildConversation(dir, turns);
    const auto = await diarize(audio);
    expect(auto.speakers).toBe(3);
    expect(diarizationErrorRate(reference, auto.turns)).toBeLessThan(0.2);
    expect(diarizationErrorRate(reference, (await diarize(audio, { speakers: 3 })).turns)).toBeLessThan(0.2);
  });

  it("separates two real male speakers (LibriVox reader and the cards speaker), counting them itself", async () => {
    const turns = [0, 1, 2, 3, 4].flatMap((i) => [
      { speaker: 0, source: VOICES.reader(i) },
      { speaker: 1, source: VOICES.cards(i) },
    ]);
    const { audio, reference } = await buildConversation(dir, turns);
    const auto = await diarize(audio);
    expect(auto.speakers).toBe(2);
    expect(diarizationErrorRate(reference, auto.turns)).toBeLessThan(0.15);
  });

  it("separates the cards speaker from the an4 speaker, both short real utterances", async () => {
    const turns = [0, 1, 2].flatMap((i) => [
      { speaker: 0, source: VOICES.cards(i + 2) },
      { speaker: 1, source: VOICES.an4(i) },
    ]);
    const { audio, reference } = await buildConversation(dir, turns);
    const auto = await diarize(audio);
    expect(auto.speakers).toBe(2);
    expect(diarizationErrorRate(reference, auto.turns)).toBeLessThan(0.15);
  });

  it("counts a voice that says only one short sentence (about 3 s) among a reader's 25 s", async () => {
    const turns = [0, 1, 2, 3, 4].map((i) => ({ speaker: 0, source: VOICES.reader(i) }));
    turns.splice(3, 0, { speaker: 1, source: VOICES.an4(1) });
    const { audio, reference } = await buildConversation(dir, turns);
    const short = reference.filter((r) => r.speaker === 1).reduce((s, r) => s + r.end - r.start, 0);
    expect(short).toBeLessThan(4);
    const auto = await diarize(audio);
    expect(auto.speakers).toBe(2);
    expect(diarizationErrorRate(reference, auto.turns)).toBeLessThan(0.1);
  });

  it("finds one speaker in a single reader's recording", async () => {
    const { audio, reference } = await buildConversation(
      dir,
      [0, 1, 2, 3, 4].map((i) => ({ speaker: 0, source: VOICES.reader(i) })),
    );
    const auto = await diarize(audio);
    expect(auto.speakers).toBe(1);
    expect(diarizationErrorRate(reference, auto.turns)).toBeLessThan(0.1);
  });

  it("finds one speaker in a single woman's voice too", async () => {
    const { audio } = await buildConversation(
      dir,
      [0, 1, 2, 3].map((i) => ({ speaker: 0, source: VOICES.woman(i) })),
    );
    expect((await diarize(audio)).speakers).toBe(1);
  });

  it("returns no turns for silence", async () => {
    const silent = await diarize({ sampleRate: 16_000, samples: new Float32Array(16_000 * 3) });
    expect(silent).toEqual({ turns: [], speakers: 0, windows: 0 });
  });
});
