import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderClip, VOICES, type ReferenceTurn } from "../../test/speech-fixtures.ts";
import { diarizationErrorRate } from "./der.ts";
import { diarize } from "./diarize.ts";
import type { Audio } from "./wav.ts";

const RATE = 16_000;
let dir: string;
let reader: Audio[];
let cards: Audio[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mp4t-diarize-long-"));
  reader = await Promise.all([0, 1, 2, 3, 4].map((i) => renderClip(dir, VOICES.reader(i), `reader-${i}`)));
  cards = await Promise.all([0, 1, 2, 3, 4].map((i) => renderClip(dir, VOICES.cards(i), `cards-${i}`)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Clips one after another (speaker, clip) with pauses cycling through `gaps`, over a faint noise floor. */
function tile(parts: { speaker: number; clip: Audio }[], gaps = [0.5, 0.25, 0.8]): { audio: Audio; reference: ReferenceTurn[] } {
  const total = parts.reduce((n, p, i) => n + p.clip.samples.length + Math.round(gaps[i % gaps.length]! * RATE), RATE);
  const samples = new Float32Array(total);
  let seed = 7;
  for (let i = 0; i < total; i++) samples[i] = ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.002;
  const reference: ReferenceTurn[] = [];
  let at = RATE / 2;
  parts.forEach((p, i) => {
    const x = p.clip.samples;
    const rms = Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
    for (let j = 0; j < x.length; j++) samples[at + j] = samples[at + j]! + (x[j]! * 0.08) / rms;
    reference.push({ start: at / RATE, end: (at + x.length) / RATE, speaker: p.speaker });
    at += x.length + Math.round(gaps[i % gaps.length]! * RATE);
  });
  return { audio: { sampleRate: RATE, samples }, reference };
}

/** The reader alone, his five clips over and over until `sec` seconds. */
function readerFor(sec: number) {
  const parts: { speaker: number; clip: Audio }[] = [];
  for (let n = 0, t = 0; t < sec; n++) {
    parts.push({ speaker: 0, clip: reader[n % 5]! });
    t += reader[n % 5]!.samples.length / RATE + 0.5;
  }
  return tile(parts);
}

/** The reader and the cards speaker in turns of one to three clips, about 100 s. */
function dialogue() {
  const parts: { speaker: number; clip: Audio }[] = [];
  for (let turn = 0; turn < 16; turn++) {
    const speaker = turn % 2;
    for (let k = 0; k < 1 + (turn % 3); k++) parts.push({ speaker, clip: (speaker === 0 ? reader : cards)[(turn + k) % 5]! });
  }
  return tile(parts);
}

describe("diarize: decisions that do not drift with duration (real voices)", () => {
  it("gives one reader one label at 30 seconds and at 5 minutes", async () => {
    for (const sec of [30, 300]) {
      const { audio, reference } = readerFor(sec);
      const result = await diarize(audio);
      expect(result.speakers, `${sec} s`).toBe(1);
      expect(diarizationErrorRate(reference, result.turns, { stepSec: 0.05, collarSec: 0.25 })).toBeLessThan(0.05);
    }
  });

  it("finds the two real speakers of a dialogue, with a low DER", async () => {
    const { audio, reference } = dialogue();
    const result = await diarize(audio);
    expect(result.speakers).toBe(2);
    expect(diarizationErrorRate(reference, result.turns, { stepSec: 0.02 })).toBeLessThan(0.1);
    expect(diarizationErrorRate(reference, result.turns, { stepSec: 0.02, collarSec: 0.25 })).toBeLessThan(0.05);
  });

  it("honours a speakers hint and a speaker range", async () => {
    const { audio } = dialogue();
    expect((await diarize(audio, { speakers: 3 })).speakers).toBe(3);
    expect((await diarize(audio, { speakers: 1 })).speakers).toBe(1);
    expect((await diarize(audio, { maxSpeakers: 1 })).speakers).toBe(1);
    expect((await diarize(audio, { minSpeakers: 3 })).speakers).toBe(3);
    const { audio: alone } = readerFor(30);
    expect((await diarize(alone, { minSpeakers: 2, maxSpeakers: 4 })).speakers).toBe(2);
  });

  it("gives every word to one speaker whole: no turn starts or ends inside a word", async () => {
    const { audio, reference } = dialogue();
    // Words every 0.4 s across each reference turn, and one straddling each change of speaker.
    // Words never overlap one another, as in a transcript.
    const changes = reference.map((t, i) => i > 0 && reference[i - 1]!.speaker !== t.speaker);
    const words = reference.flatMap((t, i) => {
      const [from, to] = [t.start + (changes[i] ? 0.25 : 0), t.end - (changes[i + 1] ? 0.25 : 0)];
      const n = Math.max(1, Math.floor((to - from) / 0.4));
      const inside = Array.from({ length: n }, (_, k) => ({ start: from + k * 0.4, end: from + k * 0.4 + 0.32, truth: t.speaker }));
      return changes[i + 1] ? [...inside, { start: t.end - 0.2, end: reference[i + 1]!.start + 0.2, truth: -1 }] : inside;
    });
    const result = await diarize(audio, { words });
    expect(result.words).toHaveLength(words.length);
    for (const t of result.turns) {
      for (const edge of [t.start, t.end])
        expect(
          words.some((w) => w.start + 1e-3 < edge && edge < w.end - 1e-3),
          `edge ${edge}`,
        ).toBe(false);
    }
    // Words are labelled like the truth (up to naming) away from the changes.
    const map = new Map<number, number>();
    let agree = 0;
    words.forEach((w, i) => {
      if (w.truth < 0) return;
      if (!map.has(w.truth)) map.set(w.truth, result.words![i]!);
      if (map.get(w.truth) === result.words![i]) agree++;
    });
    expect(agree / words.filter((w) => w.truth >= 0).length).toBeGreaterThan(0.95);
  });
});
