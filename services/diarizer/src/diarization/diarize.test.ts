import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConversation, SENTENCES, VOICES, type Source } from "../../test/speech-fixtures.ts";
import { diarizationErrorRate } from "./der.ts";
import { diarize } from "./diarize.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mp4t-diarize-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lowMale = (text: string): Source => ({ say: text, voice: "en+m3", pitch: 25 });

describe("diarize (real and synthetic speech)", () => {
  it("separates the LibriVox reader from a second voice, counting speakers itself", async () => {
    const turns = [0, 1, 2, 3, 4].flatMap((i) => [{ speaker: 0, source: VOICES.reader(i) }, { speaker: 1, source: VOICES.synthetic(SENTENCES[i]!) }]);
    const { audio, reference } = await buildConversation(join(dir), turns);
    const auto = await diarize(audio);
    expect(auto.speakers).toBe(2);
    const der = diarizationErrorRate(reference, auto.turns);
    expect(der).toBeLessThan(0.1);
    const given = await diarize(audio, { speakers: 2 });
    expect(diarizationErrorRate(reference, given.turns)).toBeLessThan(0.1);
  });

  it("separates three speakers", async () => {
    const turns = [0, 1, 2, 3].flatMap((i) => [
      { speaker: 0, source: VOICES.reader(i) },
      { speaker: 1, source: VOICES.synthetic(SENTENCES[i]!) },
      { speaker: 2, source: lowMale(SENTENCES[(i + 2) % 5]!) },
    ]);
    const { audio, reference } = await buildConversation(dir, turns);
    const auto = await diarize(audio);
    expect(auto.speakers).toBe(3);
    expect(diarizationErrorRate(reference, auto.turns)).toBeLessThan(0.2);
    expect(diarizationErrorRate(reference, (await diarize(audio, { speakers: 3 })).turns)).toBeLessThan(0.2);
  });

  it("separates two real male speakers (LibriVox reader and the cards speaker), counting them itself", async () => {
    const turns = [0, 1, 2, 3, 4].flatMap((i) => [{ speaker: 0, source: VOICES.reader(i) }, { speaker: 1, source: VOICES.cards(i) }]);
    const { audio, reference } = await buildConversation(dir, turns);
    const auto = await diarize(audio);
    expect(auto.speakers).toBe(2);
    expect(diarizationErrorRate(reference, auto.turns)).toBeLessThan(0.15);
  });

  it("separates the cards speaker from the an4 speaker, both short real utterances", async () => {
    const an4 = ["goforward", "numbers", "something"].map((f) => ({ file: `/usr/share/pocketsphinx/test/data/${f}.raw`, raw: true }));
    const turns = [0, 1, 2].flatMap((i) => [{ speaker: 0, source: VOICES.cards(i + 2) }, { speaker: 1, source: an4[i]! }]);
    const { audio, reference } = await buildConversation(dir, turns);
    const auto = await diarize(audio);
    expect(auto.speakers).toBe(2);
    expect(diarizationErrorRate(reference, auto.turns)).toBeLessThan(0.15);
  });

  it("finds one speaker in a single reader's recording", async () => {
    const { audio, reference } = await buildConversation(dir, [0, 1, 2, 3, 4].map((i) => ({ speaker: 0, source: VOICES.reader(i) })));
    const auto = await diarize(audio);
    expect(auto.speakers).toBe(1);
    expect(diarizationErrorRate(reference, auto.turns)).toBeLessThan(0.1);
  });

  it("finds one speaker in a single synthetic voice too", async () => {
    const { audio } = await buildConversation(dir, SENTENCES.map((s) => ({ speaker: 0, source: lowMale(s) })));
    expect((await diarize(audio)).speakers).toBe(1);
  });

  it("returns no turns for silence", async () => {
    const silent = await diarize({ sampleRate: 16_000, samples: new Float32Array(16_000 * 3) });
    expect(silent).toEqual({ turns: [], speakers: 0, windows: 0 });
  });
});
