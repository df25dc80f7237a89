/**
 * The real voices the diarization bench is built from: every recorded speaker in the installed
 * Debian packages (pocketsphinx-testdata, alsa-utils, Asterisk's core sounds), cut into short pieces
 * at quiet points so a seeded draw can give the tuning set and the held-out set different
 * utterances of each voice.
 */
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { decodeWav } from "../../services/diarizer/src/index.ts";

const run = promisify(execFile);
const PS = "/usr/share/pocketsphinx/test/data";
const ASTERISK = "/usr/share/asterisk/sounds";
export const RATE = 16_000;

/** A WAV or raw 16 kHz file, or Asterisk prompts (G.722, 16 kHz wideband) decoded as one recording. */
type SourceFile = { path: string; raw?: boolean } | { prompts: string };

/** Voice name -> its recordings. Only real people; espeak and other synthesis are left out. */
export const VOICE_FILES: Record<string, SourceFile[]> = {
  /** LibriVox reader (male), Sense and Sensibility, 25 s. */
  reader: ["0870", "0880", "0890", "0920", "0930"].map((n) => ({ path: `${PS}/librivox/sense_and_sensibility_01_austen_64kb-${n}.wav` })),
  /** The "cards" speaker (male), playing cards read aloud, 10 s. */
  cards: [1, 2, 3, 4, 5].map((n) => ({ path: `${PS}/cards/00${n}.wav` })),
  /** CMU an4 test speaker (male), 10 s. */
  an4: ["goforward", "numbers", "something"].map((n) => ({ path: `${PS}/${n}.raw`, raw: true })),
  /** TIDIGITS speaker, one digit string, 2.4 s. */
  tidigits: [{ path: `${PS}/tidigits/dhd.2934z.raw`, raw: true }],
  /** alsa-utils' speaker-test voice (female): "Front left" etc., 11 s. */
  alsa: ["Front_Center", "Front_Left", "Front_Right", "Rear_Center", "Rear_Left", "Rear_Right", "Side_Left", "Side_Right"].map((n) => ({
    path: `/usr/share/sounds/alsa/${n}.wav`,
  })),
  /**
   * Asterisk's core sounds, the G.722 (wideband) packages (CC-BY-SA 3.0: Allison, June; CC-BY 3.0:
   * the Russian and Italian voices): one professional voice each, studio recordings of phone-system
   * prompts, about 20 minutes a language, all of it (the spoken prompts of each directory). Allison
   * Smith recorded the English and the Mexican Spanish prompts: one voice in two languages.
   */
  allison: [{ prompts: "en_US_f_Allison" }, { prompts: "es_MX_f_Allison" }],
  /** Canadian French, female. */
  june: [{ prompts: "fr_CA_f_June" }],
  /** Russian, female. */
  ivrru: [{ prompts: "ru_RU_f_IvrvoiceRU" }],
  /** Italian, male. */
  carlo: [{ prompts: "it_IT_m_Carlo" }],
};

/** One utterance piece: samples with no leading or trailing quiet, at RATE; `quiet`: its recording's level (mean square) under which nothing is speech. */
export type Utterance = { voice: string; id: string; samples: Float32Array; quiet: number };

/**
 * Speech regions of a piece (seconds): frames with a mean square over `quiet`, pauses under
 * 0.3 s bridged (NIST's rule for RTTM references in the Rich Transcription evaluations).
 */
export function speechOf(x: Float32Array, quiet: number): { start: number; end: number }[] {
  const e = frameEnergy(x);
  const out: { start: number; end: number }[] = [];
  for (let f = 0; f < e.length; f++) {
    if (e[f]! < quiet) continue;
    const last = out.at(-1);
    if (last && f - last.end < 30) last.end = f + 1;
    else out.push({ start: f, end: f + 1 });
  }
  return out.map((r) => ({ start: r.start / 100, end: Math.min(x.length / RATE, r.end / 100) }));
}

/** The prompts that are tones, not speech (the same in every voice's directory). */
const TONES = /^(ascending-2tone|descending-2tone|beep|beeperr)\.g722$/;

/** A voice's spoken prompts (its sentences, not its digit and letter folders, nor the tones), in name order. */
async function spokenPrompts(voiceDir: string): Promise<string[]> {
  const dir = join(ASTERISK, voiceDir);
  const missing = new Error(`${dir} has no G.722 prompts: npm run bench installs them (scripts/toolchain.sh with MP4T_TEST_TOOLS=1)`);
  const names = (
    await readdir(dir).catch((err: NodeJS.ErrnoException) => {
      throw err.code === "ENOENT" ? missing : err;
    })
  )
    .filter((n) => n.endsWith(".g722") && !TONES.test(n))
    .sort();
  // The -wav or -gsm package of the language installs into the same directory without them.
  if (names.length === 0) throw missing;
  return names.map((n) => join(dir, n));
}

async function load(dir: string, f: SourceFile, name: string): Promise<Float32Array> {
  const out = join(dir, `${name}.wav`);
  if ("prompts" in f) {
    // Raw G.722 has no header: the prompts are joined as one stream (each begins and ends in silence) and decoded once.
    const files = await spokenPrompts(f.prompts);
    await run("ffmpeg", ["-v", "error", "-f", "g722", "-i", `concat:${files.join("|")}`, "-ar", String(RATE), "-ac", "1", "-c:a", "pcm_s16le", out]);
  } else {
    const input = f.raw ? ["-t", "raw", "-r", String(RATE), "-e", "signed", "-b", "16", "-c", "1", f.path] : [f.path];
    // -R: the same dither on every run (sox seeds it from the clock otherwise), so runs compare file by file.
    await run("sox", ["-R", ...input, "-r", String(RATE), "-c", "1", "-b", "16", out]);
  }
  return decodeWav(new Uint8Array(await readFile(out))).samples;
}

/** Mean square per 10 ms frame. */
function frameEnergy(x: Float32Array): Float64Array {
  const hop = RATE / 100;
  const e = new Float64Array(Math.floor(x.length / hop));
  for (let f = 0; f < e.length; f++) {
    let s = 0;
    for (let i = f * hop; i < (f + 1) * hop; i++) s += x[i]! * x[i]!;
    e[f] = s / hop;
  }
  return e;
}

/**
 * Cuts a recording at its quietest 10 ms frame in each stretch, so pieces are 1-2 s
 * (whole recordings shorter than that stay whole), then trims each piece's quiet ends (30 dB
 * under the recording's loud frames or within 8 dB of its noise floor). Pieces under 0.3 s are dropped.
 */
export function cutPieces(x: Float32Array): { samples: Float32Array; quiet: number }[] {
  const e = frameEnergy(x);
  const sorted = [...e].sort((a, b) => a - b);
  const [floor, loud] = [sorted[Math.floor(e.length * 0.05)] ?? 0, sorted[Math.floor(e.length * 0.95)] ?? 0];
  // Speech: 30 dB under the loud frames at most, and 8 dB over the recording's own noise floor.
  const quiet = Math.max(loud / 1000, floor * 10 ** 0.8);
  const hop = RATE / 100;
  // Cut between the first and the last speech frame, so leading silence does not make a piece.
  let [first, end] = [0, e.length];
  while (first < end && e[first]! < quiet) first++;
  while (end > first && e[end - 1]! < quiet) end--;
  const cuts = [first];
  while (end - cuts.at(-1)! > 180) {
    const from = cuts.at(-1)! + 100;
    let best = from;
    for (let f = from; f < Math.min(end - 50, from + 100); f++) if (e[f]! < e[best]!) best = f;
    cuts.push(best);
  }
  // A voice with one short recording (TIDIGITS) still gets two pieces, one for each set.
  if (cuts.length === 1 && end - first > 100) {
    let best = first + Math.round((end - first) / 3);
    for (let f = best; f < first + Math.round((2 * (end - first)) / 3); f++) if (e[f]! < e[best]!) best = f;
    cuts.push(best);
  }
  cuts.push(end);
  const out: { samples: Float32Array; quiet: number }[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    let [a, b] = [cuts[i]!, cuts[i + 1]!];
    while (a < b && e[a]! < quiet) a++;
    while (b > a && e[b - 1]! < quiet) b--;
    const samples = x.slice(a * hop, b * hop);
    if (b - a >= 30) out.push({ samples, quiet });
  }
  return out;
}

/** Every voice's pieces, in recording order. */
export async function loadVoices(dir: string): Promise<Utterance[]> {
  const out: Utterance[] = [];
  for (const [voice, files] of Object.entries(VOICE_FILES)) {
    for (const [i, f] of files.entries()) {
      const pieces = cutPieces(await load(dir, f, `${voice}-${i}`));
      pieces.forEach((p, j) => out.push({ voice, id: `${voice}-${i}.${j}`, ...p }));
    }
  }
  return out;
}
