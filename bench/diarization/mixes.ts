/**
 * Seeded mixes of real voices: who speaks, in what order, for how long, how loud, over what
 * noise. The truth is every utterance piece placed, written as RTTM.
 */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { decodeWav, encodeWav, type Audio } from "../../services/diarizer/src/index.ts";
import { RATE, speechOf, type Utterance } from "./voices.ts";

const run = promisify(execFile);

/** mulberry32: a small seeded generator, so every mix is the same on every run. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function shuffle<T>(xs: T[], rand: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Splits every voice's pieces between the tuning set and the held-out set (a seeded shuffle,
 * then alternately), so the two sets hear the same people saying different things.
 */
export function splitSets(utterances: Utterance[], seed: number): { tuning: Utterance[]; heldout: Utterance[] } {
  const rand = rng(seed);
  const tuning: Utterance[] = [];
  const heldout: Utterance[] = [];
  for (const voice of new Set(utterances.map((u) => u.voice))) {
    shuffle(
      utterances.filter((u) => u.voice === voice),
      rand,
    ).forEach((u, i) => (i % 2 === 0 ? tuning : heldout).push(u));
  }
  return { tuning, heldout };
}

/** Each piece also at 0.92 and 1.08 of its tempo (sox WSOLA: same pitch, same voice). */
export async function withTempos(dir: string, pool: Utterance[]): Promise<Utterance[]> {
  const out: Utterance[] = [...pool];
  for (const u of pool) {
    const src = join(dir, `${u.id}.wav`);
    await writeFile(src, encodeWav({ sampleRate: RATE, samples: u.samples }));
    for (const tempo of [0.92, 1.08]) {
      const dst = join(dir, `${u.id}@${tempo}.wav`);
      // -R: sox's dither is random unless asked to repeat, and every run should hear the same audio.
      await run("sox", ["-R", src, dst, "tempo", "-s", String(tempo)]);
      out.push({ voice: u.voice, id: `${u.id}@${tempo}`, samples: decodeWav(new Uint8Array(await readFile(dst))).samples, quiet: u.quiet });
    }
  }
  return out;
}

export type MixSpec = { id: string; speakers: number; minutes: number; turns: "short" | "long"; seed: number; voices?: string[] };
export type RefSegment = { start: number; end: number; speaker: string };
export type Mix = { spec: MixSpec; audio: Audio; reference: RefSegment[]; voices: string[] };

/** One speaker's segments less than 0.3 s apart are one segment (NIST's RTTM reference rule). */
function joinPauses(segments: RefSegment[]): RefSegment[] {
  const out: RefSegment[] = [];
  for (const s of segments) {
    const last = out.at(-1);
    if (last && last.speaker === s.speaker && s.start - last.end < 0.3) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/** Root mean square over all of a voice's pieces, in order (the pieces are not joined: a voice can have an hour of them). */
function rms(pieces: Utterance[]): number {
  let [s, n] = [0, 0];
  for (const u of pieces) {
    for (const v of u.samples) s += v * v;
    n += u.samples.length;
  }
  return Math.sqrt(s / Math.max(1, n));
}
const db = (d: number) => 10 ** (d / 20);

/**
 * One mix: `speakers` voices drawn from the pool (or the ones named), each with its own level
 * (-9..+3 dB) and share of the talk; turns of 1-4 s ("short") or 4-40 s ("long") in a random
 * order that never repeats a speaker; pauses of 0.05-1.2 s between turns and 0.02-0.5 s inside
 * them; a noise floor 45-65 dB under full scale.
 */
export function buildMix(spec: MixSpec, pool: Utterance[]): Mix {
  const rand = rng(spec.seed);
  const byVoice = new Map<string, Utterance[]>();
  for (const u of pool) {
    const list = byVoice.get(u.voice);
    if (list) list.push(u);
    else byVoice.set(u.voice, [u]);
  }
  const voices = spec.voices ?? shuffle([...byVoice.keys()], rand).slice(0, spec.speakers);
  const level = new Map(voices.map((v) => [v, db(-9 + 12 * rand()) * (0.08 / rms(byVoice.get(v)!))]));
  const share = voices.map(() => 0.5 + rand());
  const total = Math.round(spec.minutes * 60 * RATE);
  const samples = new Float32Array(total);
  const noise = db(-65 + 20 * rand());
  for (let i = 0; i < total; i++) samples[i] = (rand() * 2 - 1) * noise * 1.7;
  const reference: RefSegment[] = [];
  let at = Math.round(0.3 * RATE);
  let last = -1;
  for (let turn = 0; ; turn++) {
    let k = turn < voices.length ? turn : -1;
    while (k < 0 || (voices.length > 1 && k === last)) {
      let r = rand() * share.reduce((a, b) => a + b, 0);
      k = share.findIndex((s) => (r -= s) < 0);
      if (k < 0) k = share.length - 1;
    }
    last = k;
    const voice = voices[k]!;
    // Long turns are capped so that in a short file every voice still gets a few turns.
    const length = spec.turns === "short" ? 1 + 3 * rand() : Math.min(4 + 36 * rand() ** 2, Math.max(4, (spec.minutes * 60) / (3 * voices.length)));
    const utterances = byVoice.get(voice)!;
    for (let spoken = 0; spoken < length; ) {
      const u = utterances[Math.floor(rand() * utterances.length)]!;
      if (at + u.samples.length > total - 0.2 * RATE) return { spec, audio: { sampleRate: RATE, samples }, reference: joinPauses(reference), voices };
      const gain = level.get(voice)! * db(-1.5 + 3 * rand());
      for (let i = 0; i < u.samples.length; i++) samples[at + i] = samples[at + i]! + u.samples[i]! * gain;
      // The truth is what can be heard: the piece's speech that stands 6 dB over the noise floor.
      for (const r of speechOf(u.samples, Math.max(u.quiet, (4 * noise * noise) / (gain * gain))))
        reference.push({ start: at / RATE + r.start, end: Math.min(at + u.samples.length, at + r.end * RATE) / RATE, speaker: voice });
      spoken += u.samples.length / RATE;
      at += u.samples.length + Math.round((spoken < length ? 0.02 + 0.48 * rand() : 0.05 + 1.15 * rand()) * RATE);
    }
  }
}

/** RTTM lines for one file (NIST's speaker diarization format). */
export function rttm(file: string, segments: RefSegment[]): string {
  return segments.map((s) => `SPEAKER ${file} 1 ${s.start.toFixed(3)} ${(s.end - s.start).toFixed(3)} <NA> <NA> ${s.speaker} <NA> <NA>\n`).join("");
}
