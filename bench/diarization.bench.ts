/**
 * Diarization on mixes of every wideband real voice in Debian's packages (pocketsphinx-testdata's LibriVox
 * reader, cards speaker, CMU an4 speaker and TIDIGITS speaker; alsa-utils' speaker-test voice;
 * the four voices of Asterisk's wideband core sounds):
 * 1-4 speakers, short and long turns, random order, levels and noise, 30 s to an hour (one speaker
 * for 10 minutes or more in every voice). Truth as
 * RTTM, scored by NIST's md-eval (Debian package sctk) without a collar and with 0.25 s.
 * A tuning set and a held-out set draw on different utterances of each voice; the held-out set
 * is run with the diarizer's defaults only (BENCH_DIARIZE_OPTIONS is refused for it).
 * Diarization time is set against PocketSphinx's on the same file.
 * Goals: one speaker for 10-60 min: one label on >= 98 % of speech, <= 1 spurious label; 2-4
 * speakers for 1-30 min (held-out): DER <= 0.10 without collar, <= 0.05 with 0.25 s, count exact
 * on >= 90 % of files.
 * Env: BENCH_DIARIZATION_SETS (tuning,heldout), BENCH_DIARIZATION_QUICK=1 (short files only, no timing),
 * BENCH_DIARIZE_OPTIONS (JSON DiarizeOptions, tuning set only), BENCH_DIARIZATION_COUNT_GIVEN=1 (each
 * file is diarized with its true number of speakers, as a user who states it at upload gets; the
 * count-exact line then says nothing).
 */
import { execFile } from "node:child_process";
import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { diarize, encodeWav, type DiarizeOptions } from "../services/diarizer/src/index.ts";
import { MD_EVAL, mdEval, type Der } from "./diarization/md-eval.ts";
import { buildMix, rttm, splitSets, withTempos, type Mix } from "./diarization/mixes.ts";
import { planSet, type SetName } from "./diarization/plan.ts";
import { loadVoices, type Utterance } from "./diarization/voices.ts";

const exec = promisify(execFile);
const SETS = (process.env.BENCH_DIARIZATION_SETS ?? "tuning,heldout").split(",") as SetName[];
const QUICK = process.env.BENCH_DIARIZATION_QUICK === "1";
const OVERRIDES = JSON.parse(process.env.BENCH_DIARIZE_OPTIONS ?? "{}") as DiarizeOptions;
const COUNT_GIVEN = process.env.BENCH_DIARIZATION_COUNT_GIVEN === "1";

type FileResult = {
  id: string;
  speakers: number;
  minutes: number;
  found: number;
  sec: number;
  plain: Der;
  collar: Der;
  mainShare: number;
  ref: string;
  hyp: string;
  /** The voices drawn, in the mix's order (a short mix may not give each one a turn). */
  voices: string[];
};

/** Share of reference speech under the hypothesis label that covers most of it. */
function mainShare(mix: Mix, turns: { start: number; end: number; speaker: number }[]): number {
  const by = new Map<number, number>();
  let total = 0;
  for (const r of mix.reference) {
    total += r.end - r.start;
    for (const t of turns) {
      const o = Math.min(r.end, t.end) - Math.max(r.start, t.start);
      if (o > 0) by.set(t.speaker, (by.get(t.speaker) ?? 0) + o);
    }
  }
  return total > 0 ? Math.max(0, ...by.values()) / total : 0;
}

async function runFile(dir: string, mix: Mix, opts: DiarizeOptions): Promise<FileResult> {
  const t0 = performance.now();
  const d = await diarize(mix.audio, opts);
  const sec = (performance.now() - t0) / 1000;
  const ref = rttm(mix.spec.id, mix.reference);
  const hyp = rttm(
    mix.spec.id,
    d.turns.map((t) => ({ start: t.start, end: t.end, speaker: `spk${t.speaker}` })),
  );
  const [plain, collar] = [await mdEval(dir, mix.spec.id, ref, hyp, 0), await mdEval(dir, mix.spec.id, ref, hyp, 0.25)];
  // The truth's count: in a short mix a drawn voice may not have had its turn.
  return {
    id: mix.spec.id,
    speakers: new Set(mix.reference.map((r) => r.speaker)).size,
    minutes: mix.spec.minutes,
    found: d.speakers,
    sec,
    plain,
    collar,
    mainShare: mainShare(mix, d.turns),
    ref,
    hyp,
    voices: mix.voices,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const f3 = (x: number) => x.toFixed(3);

async function report(dir: string, set: SetName, results: FileResult[]) {
  const one = results.filter((r) => r.speakers === 1);
  const longOne = one.filter((r) => r.minutes >= 10);
  const multi = results.filter((r) => r.speakers > 1);
  const goal = multi.filter((r) => r.minutes >= 1);
  // md-eval over all files at once: time-weighted DER, as evaluations report it.
  const pooled = async (rs: FileResult[], collar: number) =>
    mdEval(dir, `${set}-all-${rs.length}`, rs.map((r) => r.ref).join(""), rs.map((r) => r.hyp).join(""), collar);
  const [gPlain, gCollar] = [await pooled(goal, 0), await pooled(goal, 0.25)];
  const [aPlain, aCollar] = [await pooled(multi, 0), await pooled(multi, 0.25)];
  const exact = goal.filter((r) => r.found === r.speakers).length;
  const worstOne = longOne.reduce((m, r) => Math.min(m, r.mainShare), 1);
  const spurious = longOne.reduce((m, r) => Math.max(m, r.found - 1), 0);
  const audioMin = results.reduce((s, r) => s + r.minutes, 0);
  const diarSec = results.reduce((s, r) => s + r.sec, 0);
  console.log(
    `  [${set}] ${results.length} files, ${audioMin.toFixed(0)} min of audio, diarized in ${diarSec.toFixed(1)} s (${pct(diarSec / (audioMin * 60))} of real time)`,
  );
  console.log(
    `  [${set}] one speaker, 10-60 min (${longOne.length} files): main label ${longOne.map((r) => pct(r.mainShare)).join(", ")}; labels ${longOne.map((r) => r.found).join(", ")} (goal >= 98.0% and <= 1 spurious: ${worstOne >= 0.98 && spurious <= 1 ? "met" : "MISSED"})`,
  );
  console.log(
    `  [${set}] one speaker, all ${one.length} files: main label min ${pct(Math.min(...one.map((r) => r.mainShare)))}, one label found on ${one.filter((r) => r.found === 1).length}/${one.length}`,
  );
  console.log(
    `  [${set}] 2-4 speakers, 1-30 min (${goal.length} files): DER ${f3(gPlain.der)} no collar (miss ${f3(gPlain.missed)}, false alarm ${f3(gPlain.falarm)}, confusion ${f3(gPlain.confusion)}), ${f3(gCollar.der)} with 0.25 s; count exact ${exact}/${goal.length} = ${pct(exact / Math.max(1, goal.length))} (goals <= 0.10, <= 0.05, >= 90%)`,
  );
  console.log(
    `  [${set}] 2-4 speakers incl. 30 s files (${multi.length}): DER ${f3(aPlain.der)} no collar, ${f3(aCollar.der)} with 0.25 s; per-file median ${f3(median(multi.map((r) => r.plain.der)))}, worst ${f3(Math.max(...multi.map((r) => r.plain.der)))}`,
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? 0;

/** PocketSphinx (the default engine) and the diarizer on the same file: the diarizer's share of the time. */
async function timeAgainstTranscription(dir: string, mix: Mix) {
  const wav = join(dir, "timing.wav");
  await writeFile(wav, encodeWav(mix.audio));
  const t0 = performance.now();
  await exec("pocketsphinx_continuous", ["-infile", wav, "-logfn", "/dev/null"], { maxBuffer: 64 << 20 });
  const asr = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await diarize(mix.audio);
  const diar = (performance.now() - t1) / 1000;
  console.log(
    `  time on a ${mix.spec.minutes}-minute mix: diarization ${diar.toFixed(1)} s, pocketsphinx_continuous ${asr.toFixed(1)} s: ${pct(diar / asr)} (goal < 5%)`,
  );
}

export async function run(): Promise<void> {
  await access(MD_EVAL).catch(() => {
    throw new Error(`${MD_EVAL} is missing: apt-get install sctk (scripts/toolchain.sh with MP4T_TEST_TOOLS=1)`);
  });
  const dir = await mkdtemp(join(tmpdir(), "mp4t-bench-diarization-"));
  try {
    const sets = splitSets(await loadVoices(dir), 16);
    // Each set's pool with its tempo copies (two sox runs per piece: minutes with the Asterisk
    // voices), made once: the timing below draws on the tuning pool again.
    const pools = new Map<SetName, Promise<Utterance[]>>();
    const poolOf = (set: SetName) => pools.get(set) ?? pools.set(set, withTempos(dir, sets[set])).get(set)!;
    for (const set of SETS) {
      if (set === "heldout" && Object.keys(OVERRIDES).length > 0)
        throw new Error("BENCH_DIARIZE_OPTIONS is for the tuning set only: the held-out set runs the defaults");
      const pool = await poolOf(set);
      const results: FileResult[] = [];
      for (const spec of planSet(set, QUICK)) {
        const mix = buildMix(spec, pool);
        const given = COUNT_GIVEN ? { speakers: new Set(mix.reference.map((r) => r.speaker)).size } : {};
        const r = await runFile(dir, mix, { ...OVERRIDES, ...given });
        results.push(r);
        console.log(
          `    ${r.id.padEnd(42)} found ${r.found}  DER ${f3(r.plain.der)} (miss ${f3(r.plain.missed)} fa ${f3(r.plain.falarm)} conf ${f3(r.plain.confusion)})  0.25 s ${f3(r.collar.der)}  main ${pct(r.mainShare)}  ${r.sec.toFixed(1)} s  ${r.voices.join("+")}`,
        );
      }
      await report(dir, set, results);
    }
    if (QUICK) return;
    const pool = await poolOf("tuning");
    await timeAgainstTranscription(dir, buildMix({ id: "timing", speakers: 2, minutes: 3, turns: "long", seed: 99 }, pool));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
