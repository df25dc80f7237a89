/**
 * Transcription and diarization, side by side in one run on the same audio:
 *  (a) WER of the whole pipeline vs the bare `pocketsphinx_continuous` CLI on the five LibriVox clips,
 *      ours and NIST sclite's (Debian package sctk) side by side;
 *  (b) wall time for a 10-minute recording: upload -> completed through the real system (nats-server
 *      and every service as processes, transcriber WORKER_CONCURRENCY=2) vs the bare CLI on the same WAV,
 *      and the host's floor: two bare CLIs on the two halves at once, what 2 cores can do with no overhead;
 *  (c) DER on a recording of two real male speakers alternating (LibriVox reader, cards speaker).
 * Goals: (a) no worse than the CLI; (b) at most 0.6 of the CLI's time on 2 cores; (c) DER <= 0.15.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { diarizationErrorRate, diarize } from "../services/diarizer/src/index.ts";
import { librivoxClips, wordErrorRate } from "../packages/testing/src/index.ts";
import { buildConversation, VOICES } from "../services/diarizer/test/speech-fixtures.ts";
import { api, login, startSystem, type RunningSystem } from "../tests/e2e/system.ts";
import { scliteWer } from "./sclite.ts";

const exec = promisify(execFile);
const TARGET_SEC = 600;
/** This host's speed drifts by tens of percent over minutes: more alternating rounds, a steadier ratio. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The bare CLI on a WAV: its hypothesis text (utterance lines, ids stripped) and wall time. */
async function cli(wav: string): Promise<{ text: string; sec: number }> {
  const t0 = performance.now();
  const { stdout } = await exec("pocketsphinx_continuous", ["-infile", wav, "-logfn", "/dev/null"], { maxBuffer: 64 << 20 });
  return {
    text: stdout
      .split("\n")
      .map((l) => l.replace(/^\d+:\s*/, "").trim())
      .filter(Boolean)
      .join(" "),
    sec: (performance.now() - t0) / 1000,
  };
}

/**
 * What this host's cores can do at all: the recording cut in two halves, a bare CLI on each, both at
 * once. No pipeline can beat it (two decoders, no start-up, no messaging); the gap to it is ours.
 */
async function cliHalves(wav: string, durationSec: number, dir: string): Promise<{ sec: number }> {
  const half = durationSec / 2;
  const [a, b] = [join(dir, "half-a.wav"), join(dir, "half-b.wav")];
  await exec("sox", ["-R", wav, a, "trim", "0", String(half)]);
  await exec("sox", ["-R", wav, b, "trim", String(half)]);
  const t0 = performance.now();
  await Promise.all([cli(a), cli(b)]);
  return { sec: (performance.now() - t0) / 1000 };
}

/** Uploads a WAV, waits for completion, returns the txt transcript and upload->completed time. */
type Stages = Record<string, { startedAt?: string; finishedAt?: string }>;

/** Where the time went: each stage's start and length, in seconds from upload. */
const stageBreakdown = (t0: number, stages: Stages) =>
  Object.entries(stages)
    .map(
      ([name, s]) =>
        `${name} +${((Date.parse(s.startedAt ?? "") - t0) / 1000).toFixed(1)}s ${((Date.parse(s.finishedAt ?? "") - Date.parse(s.startedAt ?? "")) / 1000).toFixed(1)}s`,
    )
    .join(", ");

async function pipeline(sys: RunningSystem, token: string, wav: string): Promise<{ text: string; sec: number; breakdown: string }> {
  const form = new FormData();
  form.append("options", JSON.stringify({ language: "en" }));
  form.append("file", new Blob([await readFile(wav)], { type: "audio/wav" }), "audio.wav");
  const t0 = performance.now();
  const wall0 = Date.now();
  const created = await api<{ id: string; status: string }>(sys.url, "/v1/jobs", { method: "POST", body: form, token });
  if (created.status !== 202) throw new Error(`upload failed: ${created.status} ${created.text}`);
  let job: { id: string; status: string; error?: unknown; stages?: Stages } = created.body;
  while (job.status === "queued" || job.status === "processing") {
    await new Promise((r) => setTimeout(r, 100));
    job = (await api<typeof job>(sys.url, `/v1/jobs/${job.id}`, { token })).body;
  }
  const sec = (performance.now() - t0) / 1000;
  if (job.status !== "completed") throw new Error(`job ${job.status}: ${JSON.stringify(job.error)}`);
  return { text: (await api(sys.url, `/v1/jobs/${job.id}/transcript?format=txt`, { token })).text, sec, breakdown: stageBreakdown(wall0, job.stages ?? {}) };
}

/** About ten minutes of LibriVox speech: the five clips over and over, each pass at another tempo and gain. */
async function tenMinutes(dir: string, clips: { path: string; durationSec: number; reference: string }[]): Promise<{ wav: string; reference: string }> {
  const parts: string[] = [];
  const words: string[] = [];
  let total = 0;
  for (let pass = 0; total < TARGET_SEC; pass++) {
    for (const [i, c] of clips.entries()) {
      const out = join(dir, `p${pass}-${i}.wav`);
      const tempo = [1, 0.92, 1.08, 0.96, 1.04][pass % 5]!;
      await exec("sox", [
        "-R",
        c.path,
        "-r",
        "16000",
        "-c",
        "1",
        "-b",
        "16",
        out,
        "tempo",
        String(tempo),
        "gain",
        String(((pass % 3) - 1) * 2),
        "pad",
        "0",
        "0.6",
      ]);
      parts.push(out);
      words.push(c.reference);
      total += c.durationSec / tempo + 0.6;
    }
  }
  const out = join(dir, "ten-minutes.wav");
  await exec("sox", ["-R", ...parts, out]);
  return { wav: out, reference: words.join(" ") };
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "mp4t-bench-transcription-"));
  const sys = await startSystem({ WORKER_CONCURRENCY: "2" });
  try {
    const token = await login(sys.url, sys.admin.email, sys.admin.password);
    const clips = await librivoxClips();

    // (a) WER on the five clips, ours and NIST sclite's side by side.
    let refs = "";
    let ours = "";
    let theirs = "";
    const scored: { id: string; reference: string; pipeline: string; cli: string }[] = [];
    for (const c of clips) {
      const [p, b] = [await pipeline(sys, token, c.path), await cli(c.path)];
      refs += ` ${c.reference}`;
      ours += ` ${p.text}`;
      theirs += ` ${b.text}`;
      scored.push({ id: c.id, reference: c.reference, pipeline: p.text, cli: b.text });
      console.log(`  ${c.id}: WER pipeline ${wordErrorRate(c.reference, p.text).toFixed(3)}  cli ${wordErrorRate(c.reference, b.text).toFixed(3)}`);
    }
    const [werOurs, werCli] = [wordErrorRate(refs, ours), wordErrorRate(refs, theirs)];
    const sclite = async (side: "pipeline" | "cli") =>
      scliteWer(
        dir,
        side,
        scored.map((s) => ({ id: s.id, reference: s.reference, hypothesis: s[side] })),
      );
    const [scOurs, scCli] = [await sclite("pipeline"), await sclite("cli")];
    console.log(`(a) WER over all clips: pipeline ${werOurs.toFixed(3)}  cli ${werCli.toFixed(3)}  ratio ${(werOurs / werCli).toFixed(2)} (goal <= 1.00)`);
    console.log(`    the same by NIST sclite: pipeline ${scOurs.toFixed(3)}  cli ${scCli.toFixed(3)} (ours ${werOurs.toFixed(3)} / ${werCli.toFixed(3)})`);

    // (b) wall time for ten minutes.
    const { wav: long, reference: longReference } = await tenMinutes(dir, clips);
    const { stdout: dur } = await exec("soxi", ["-D", long]);
    // This machine's speed drifts by tens of percent over minutes (shared host; the same CLI run
    // took 188 s and 265 s within an hour): alternate the two sides and compare sums and the
    // median round, so a slow or fast spell lands on both.
    const rounds: { bare: Awaited<ReturnType<typeof cli>>; halves: { sec: number }; ours: Awaited<ReturnType<typeof pipeline>> }[] = [];
    for (let i = 0; i < ROUNDS; i++)
      rounds.push({ bare: await cli(long), halves: await cliHalves(long, Number(dur), dir), ours: await pipeline(sys, token, long) });
    const sum = (f: (r: (typeof rounds)[number]) => number) => rounds.reduce((a, r) => a + f(r), 0);
    const [bareSec, halvesSec, oursSec] = [sum((r) => r.bare.sec), sum((r) => r.halves.sec), sum((r) => r.ours.sec)];
    for (const [i, r] of rounds.entries())
      console.log(
        `    round ${i + 1}: pipeline ${r.ours.sec.toFixed(1)} s  cli ${r.bare.sec.toFixed(1)} s  ratio ${(r.ours.sec / r.bare.sec).toFixed(2)}  two clis on halves ${r.halves.sec.toFixed(1)} s (${(r.halves.sec / r.bare.sec).toFixed(2)})  (${r.ours.breakdown})`,
      );
    const ratios = rounds.map((r) => r.ours.sec / r.bare.sec).sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)]!;
    console.log(
      `(b) ${Number(dur).toFixed(0)} s recording on ${cpus().length} cores, ${ROUNDS} rounds alternating: pipeline ${oursSec.toFixed(1)} s  cli ${bareSec.toFixed(1)} s  ratio of sums ${(oursSec / bareSec).toFixed(2)}, median round ${median.toFixed(2)} (goal <= 0.60)`,
    );
    console.log(
      `    host floor, two bare CLIs on the halves at once: ${halvesSec.toFixed(1)} s, ${(halvesSec / bareSec).toFixed(2)} of the CLI; the pipeline is ${(oursSec / halvesSec).toFixed(2)} of that floor`,
    );
    // Chunks start the decoder afresh (its cepstral mean, its language-model context): what that costs on long media.
    const scLong = (side: string, text: string) => scliteWer(dir, `long-${side}`, [{ id: "ten", reference: longReference, hypothesis: text }]);
    console.log(
      `    WER on it against the clips' references: pipeline ${wordErrorRate(longReference, rounds[0]!.ours.text).toFixed(3)}  cli ${wordErrorRate(longReference, rounds[0]!.bare.text).toFixed(3)}; by sclite: pipeline ${(await scLong("pipeline", rounds[0]!.ours.text)).toFixed(3)}  cli ${(await scLong("cli", rounds[0]!.bare.text)).toFixed(3)}`,
    );
  } finally {
    await sys.stop();
  }

  // (c) DER on two real speakers.
  try {
    const turns = [0, 1, 2, 3, 4].flatMap((i) => [
      { speaker: 0, source: VOICES.reader(i) },
      { speaker: 1, source: VOICES.cards(i) },
    ]);
    const { audio, reference } = await buildConversation(dir, turns);
    const t0 = performance.now();
    const auto = await diarize(audio);
    const der = diarizationErrorRate(reference, auto.turns);
    const given = diarizationErrorRate(reference, (await diarize(audio, { speakers: 2 })).turns);
    console.log(
      `(c) DER, LibriVox reader vs cards speaker (${(audio.samples.length / audio.sampleRate).toFixed(1)} s): ${der.toFixed(3)} with ${auto.speakers} speakers found, ${given.toFixed(3)} told 2 (goal <= 0.15; ratio ${(der / 0.15).toFixed(2)}) in ${((performance.now() - t0) / 1000).toFixed(2)} s`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
