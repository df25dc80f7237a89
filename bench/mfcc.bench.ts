/**
 * The diarizer's MFCC kernel (WebAssembly, services/diarizer/wasm/mfcc.ts) against TypeScript
 * doing the same work as the diarizer did before the kernel (fft.ts's half-size real transform
 * into reused buffers, each filter over its span only, the DCT as flat rows: `typescriptMfcc`
 * below), on the overhead bench's recording (the LibriVox MP4, 28.8 s, decoded as ingest decodes
 * it: 16 kHz mono), alternated in one process: this thread's CPU per recording, the ratio, the
 * largest difference from the plainly written reference the tests hold the kernel to
 * (services/diarizer/test/mfcc-reference.ts); and the whole diarization of the recording (what
 * the diarizer computes for each job), whose larger part the kernel is.
 * Env: BENCH_MFCC_RUNS (runs per round, default 30), BENCH_MFCC_ROUNDS (default 4).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { decodeWav, diarize } from "../services/diarizer/src/index.ts";
import { powerSpectrum } from "../services/diarizer/src/diarization/fft.ts";
import { computeMfcc, dctMatrix, melFilterbank } from "../services/diarizer/src/diarization/mfcc.ts";
import { referenceMfcc } from "../services/diarizer/test/mfcc-reference.ts";
import { makeLibrivoxMp4 } from "../packages/testing/src/index.ts";

const RUNS = Number(process.env.BENCH_MFCC_RUNS ?? 30);
const ROUNDS = Number(process.env.BENCH_MFCC_ROUNDS ?? 4);

/** The MFCCs (13, 26 filters, 25 ms every 10 ms) in TypeScript, as fast as it was written before the kernel. */
function typescriptMfcc(samples: Float32Array, sampleRate: number): Float64Array {
  const frameLen = Math.round(0.025 * sampleRate);
  const hop = Math.round(0.01 * sampleRate);
  const n = 2 ** Math.ceil(Math.log2(frameLen));
  const filters = melFilterbank(26, n, sampleRate);
  const spans = filters.map((row) => [row.findIndex((v) => v > 0), row.findLastIndex((v) => v > 0)] as const);
  const dct = dctMatrix(13, filters.length);
  const window = Float64Array.from({ length: frameLen }, (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (frameLen - 1)));
  const frames = samples.length < frameLen ? 0 : 1 + Math.floor((samples.length - frameLen) / hop);
  const out = new Float64Array(frames * 13);
  const frame = new Float64Array(frameLen);
  const logMel = new Float64Array(filters.length);
  const scratch = { re: new Float64Array(n), im: new Float64Array(n), out: new Float64Array(n / 2 + 1) };
  for (let f = 0; f < frames; f++) {
    const at = f * hop;
    let prev = at > 0 ? samples[at - 1]! : 0;
    for (let i = 0; i < frameLen; i++) {
      const v = samples[at + i]!;
      frame[i] = (v - 0.97 * prev) * window[i]!;
      prev = v;
    }
    const power = powerSpectrum(frame, n, scratch);
    for (let m = 0; m < filters.length; m++) {
      const row = filters[m]!;
      let e = 0;
      for (let k = spans[m]![0]; k >= 0 && k <= spans[m]![1]; k++) e += row[k]! * power[k]!;
      logMel[m] = Math.log(Math.max(e, 1e-10));
    }
    for (let c = 0; c < 13; c++) {
      const row = dct[c]!;
      let s = 0;
      for (let m = 0; m < logMel.length; m++) s += row[m]! * logMel[m]!;
      out[f * 13 + c] = s;
    }
  }
  return out;
}

/** This thread's CPU milliseconds per call of `fn`, over `runs` calls. */
async function perRun(fn: () => unknown, runs: number): Promise<number> {
  const t0 = process.threadCpuUsage();
  for (let i = 0; i < runs; i++) await fn();
  const t = process.threadCpuUsage(t0);
  return (t.user + t.system) / 1e3 / runs;
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "mp4t-bench-mfcc-"));
  try {
    const media = await makeLibrivoxMp4(dir);
    const wav = join(dir, "audio.wav");
    await promisify(execFile)("ffmpeg", ["-v", "error", "-i", media.path, "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", "-y", wav]);
    const audio = decodeWav(new Uint8Array(await readFile(wav)));
    const { samples, sampleRate } = audio;
    const kernel = () => computeMfcc(samples, sampleRate);
    const typescript = () => typescriptMfcc(samples, sampleRate);
    const opts = { yield: () => Promise.resolve() };
    const whole = () => diarize(audio, opts);
    // Warm: both compiled and optimised before the first measured round.
    for (let i = 0; i < 3; i++) {
      kernel();
      typescript();
      await whole();
    }
    const got = kernel();
    const want = referenceMfcc(samples, sampleRate);
    const ts = typescript();
    let worst = 0;
    let worstTs = 0;
    for (let f = 0; f < got.frames; f++) {
      for (let k = 0; k < 13; k++) {
        worst = Math.max(worst, Math.abs(got.mfcc[f]![k]! - want.mfcc[f]![k]!));
        worstTs = Math.max(worstTs, Math.abs(ts[f * 13 + k]! - want.mfcc[f]![k]!));
      }
    }
    const k: number[] = [];
    const r: number[] = [];
    const d: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternated, the order flipped each round: the machine's drift falls on both.
      const pair = round % 2 === 0 ? [typescript, kernel] : [kernel, typescript];
      for (const fn of pair) (fn === kernel ? k : r).push(await perRun(fn, RUNS));
      d.push(await perRun(whole, RUNS));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const ms = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
    console.log(`[mfcc] ${media.durationSec.toFixed(1)} s of audio, ${got.frames} frames; ${ROUNDS} rounds of ${RUNS} runs, this thread's CPU`);
    console.log(`[mfcc] TypeScript:           ${ms(r)} ms per recording`);
    console.log(`[mfcc] WebAssembly kernel:   ${ms(k)} ms per recording`);
    console.log(`[mfcc] the whole diarization: ${ms(d)} ms per recording (median ${median(d).toFixed(2)})`);
    console.log(
      `[mfcc] ratio kernel / TypeScript: ${(median(k) / median(r)).toFixed(3)} (medians ${median(k).toFixed(2)} / ${median(r).toFixed(2)} ms); largest difference from the reference in a coefficient: kernel ${worst.toExponential(1)}, TypeScript ${worstTs.toExponential(1)}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
