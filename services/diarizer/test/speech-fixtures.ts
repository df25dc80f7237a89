import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { decodeWav, type Audio } from "../src/diarization/wav.ts";

const run = promisify(execFile);
const DATA = "/usr/share/pocketsphinx/test/data";
const RATE = 16_000;

/** Where a clip of speech comes from: a real recording or espeak-ng text. */
export type Source = { file: string; raw?: boolean } | { say: string; voice: string; pitch: number };

/** Real speakers from the pocketsphinx test data, and synthetic ones from espeak-ng. */
export const VOICES = {
  /** LibriVox reader (male), Sense and Sensibility. */
  reader: (n: number): Source => ({ file: `${DATA}/librivox/sense_and_sensibility_01_austen_64kb-${["0870", "0880", "0890", "0920", "0930"][n % 5]}.wav` }),
  /** espeak-ng female voice, high pitch. */
  synthetic: (text: string): Source => ({ say: text, voice: "en+f4", pitch: 80 }),
  /** A second real speaker: the "cards" recordings. */
  cards: (n: number): Source => ({ file: `${DATA}/cards/00${(n % 5) + 1}.wav` }),
  /** The an4 test speaker ("go forward ten meters"), 16 kHz raw PCM. */
  goforward: (): Source => ({ file: `${DATA}/goforward.raw`, raw: true }),
};

export const SENTENCES = [
  "The committee met on Tuesday to review the budget for the coming year.",
  "Several members asked whether the new library could open before the winter.",
  "We agreed to publish the minutes and to meet again next month.",
  "Please send your comments to the secretary before the end of the week.",
  "The weather was cold but the hall was warm and full of people.",
];

/** Renders one clip to 16 kHz mono PCM with leading and trailing silence trimmed. */
export async function renderClip(dir: string, src: Source, name: string): Promise<Audio> {
  const out = join(dir, `${name}.wav`);
  const trim = ["silence", "1", "0.02", "1%", "reverse", "silence", "1", "0.02", "1%", "reverse"];
  if ("say" in src) {
    const synth = join(dir, `${name}.synth.wav`);
    await run("espeak-ng", ["-v", src.voice, "-p", String(src.pitch), "-s", "155", "-w", synth, src.say]);
    await run("sox", [synth, "-r", String(RATE), "-c", "1", "-b", "16", out, ...trim]);
  } else {
    const input = src.raw ? ["-t", "raw", "-r", String(RATE), "-e", "signed", "-b", "16", "-c", "1", src.file] : [src.file];
    await run("sox", [...input, "-r", String(RATE), "-c", "1", "-b", "16", out, ...trim]);
  }
  return decodeWav(new Uint8Array(await readFile(out)));
}

export type ReferenceTurn = { start: number; end: number; speaker: number };

/**
 * Joins clips into one recording with a pause between turns; the reference says who spoke when.
 * Each clip is scaled to the same loudness, and a faint noise floor stands in for a room.
 */
export async function buildConversation(dir: string, turns: { speaker: number; source: Source }[], gapSec = 0.5): Promise<{ audio: Audio; reference: ReferenceTurn[] }> {
  const clips = await Promise.all(turns.map((t, i) => renderClip(dir, t.source, `turn-${i}`)));
  const gap = Math.round(gapSec * RATE);
  const total = clips.reduce((n, c) => n + c.samples.length + gap, gap);
  const samples = new Float32Array(total);
  let seed = 42;
  const noise = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.002;
  for (let i = 0; i < total; i++) samples[i] = noise();
  const reference: ReferenceTurn[] = [];
  let at = gap;
  clips.forEach((clip, i) => {
    const rms = Math.sqrt(clip.samples.reduce((s, x) => s + x * x, 0) / Math.max(1, clip.samples.length));
    const gain = rms > 0 ? 0.08 / rms : 1;
    for (let j = 0; j < clip.samples.length; j++) samples[at + j] = samples[at + j]! + clip.samples[j]! * gain;
    reference.push({ start: at / RATE, end: (at + clip.samples.length) / RATE, speaker: turns[i]!.speaker });
    at += clip.samples.length + gap;
  });
  return { audio: { sampleRate: RATE, samples }, reference };
}
