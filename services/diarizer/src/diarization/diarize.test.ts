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

  it("labels a quiet voice's soft speech without clustering it (labelVad)", async () => {
    const turns = [0, 1, 2, 3].flatMap((i) => [
      { speaker: 0, source: VOICES.reader(i) },
      { speaker: 1, source: VOICES.cards(i + 1) },
    ]);
    const { audio, reference } = await buildConversation(dir, turns);
    // The cards speaker 20 dB under the reader, as a far-off guest.
    for (const r of reference.filter((t) => t.speaker === 1))
      for (let i = Math.round(r.start * 16_000); i < Math.round(r.end * 16_000); i++) audio.samples[i] = audio.samples[i]! * 0.1;
    const covered = (d: { turns: { start: number; end: number }[] }) =>
      reference
        .filter((r) => r.speaker === 1)
        .reduce((s, r) => s + d.turns.reduce((o, t) => o + Math.max(0, Math.min(r.end, t.end) - Math.max(r.start, t.start)), 0), 0);
    const sameAsVad = await diarize(audio, { labelVad: {} });
    const auto = await diarize(audio);
    // The same pieces are clustered and the same voices found; more of the quiet voice is labelled.
    expect(auto.windows).toBe(sameAsVad.windows);
    expect(auto.speakers).toBe(2);
    expect(sameAsVad.speakers).toBe(2);
    expect(covered(auto)).toBeGreaterThan(covered(sameAsVad) + 0.5);
    expect(diarizationErrorRate(reference, auto.turns)).toBeLessThan(diarizationErrorRate(reference, sameAsVad.turns));
  });

  it("returns no turns for silence", async () => {
    const silent = await diarize({ sampleRate: 16_000, samples: new Float32Array(16_000 * 3) });
    expect(silent).toEqual({ turns: [], speakers: 0, windows: 0 });
  });
});
