import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { decodeWav, type Audio } from "../src/diarization/wav.ts";

const run = promisify(execFile);
const DATA = "/usr/share/pocketsphinx/test/data";
const RATE = 16_000;

const ALSA = ["Front_Center", "Front_Left", "Front_Right", "Rear_Center", "Rear_Left", "Rear_Right", "Side_Left", "Side_Right"];

/** Where a clip of speech comes from: one real recording, or several of one speaker played back to back. */
export type Source = { file: string | string[]; raw?: boolean };

/**
 * Real speakers only, from Debian packages the test toolchain installs (pocketsphinx-testdata,
 * alsa-utils); no synthetic speech, whose synthesiser (espeak-ng) is GPL-3.0. The same voices the
 * diarization bench uses (bench/diarization/voices.ts).
 */
export const VOICES = {
  /** LibriVox reader (male), Sense and Sensibility, 3-7 s a clip. */
  reader: (n: number): Source => ({ file: `${DATA}/librivox/sense_and_sensibility_01_austen_64kb-${["0870", "0880", "0890", "0920", "0930"][n % 5]}.wav` }),
  /** The "cards" speaker (male), 1-3.5 s a clip. */
  cards: (n: number): Source => ({ file: `${DATA}/cards/00${(n % 5) + 1}.wav` }),
  /** The an4 test speaker (male), 16 kHz raw PCM, about 3 s a clip. */
  an4: (n: number): Source => ({ file: `${DATA}/${["goforward", "numbers", "something"][n % 3]}.raw`, raw: true }),
  /**
   * alsa-utils' speaker-test voice (female; "Front left", ...): two of its eight 1.4 s recordings
   * back to back, so a turn is long enough to be a turn.
   */
  woman: (n: number): Source => ({ file: [0, 1].map((k) => `/usr/share/sounds/alsa/${ALSA[(2 * n + k) % ALSA.length]}.wav`) }),
};

/** Renders one clip to 16 kHz mono PCM with leading and trailing silence trimmed. */
export async function renderClip(dir: string, src: Source, name: string): Promise<Audio> {
  const out = join(dir, `${name}.wav`);
  const trim = ["silence", "1", "0.02", "1%", "reverse", "silence", "1", "0.02", "1%", "reverse"];
  const files = Array.isArray(src.file) ? src.file : [src.file];
  const input = files.flatMap((f) => (src.raw ? ["-t", "raw", "-r", String(RATE), "-e", "signed", "-b", "16", "-c", "1", f] : [f]));
  await run("sox", ["-R", ...input, "-r", String(RATE), "-c", "1", "-b", "16", out, ...trim]);
  return decodeWav(new Uint8Array(await readFile(out)));
}

export type ReferenceTurn = { start: number; end: number; speaker: number };

/**
 * Joins clips into one recording with a pause between turns; the reference says who spoke when.
 * Each clip is scaled to the same loudness, and a faint noise floor stands in for a room.
 */
export async function buildConversation(
  dir: string,
  turns: { speaker: number; source: Source }[],
  gapSec = 0.5,
): Promise<{ audio: Audio; reference: ReferenceTurn[] }> {
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
