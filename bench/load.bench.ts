/**
 * Load through the HTTP API, driven by Artillery (tests/load/scenarios/upload.yml, run as a child
 * process by tests/load/upload.journey.ts): virtual users from several accounts upload small WAVs, wait for their jobs and fetch the transcripts, against the whole
 * system (scripts/start.mjs) with 1 replica of each worker service, then with 2. The engine is an
 * OpenAI-compatible fake answering after a fixed latency, so the work is I/O bound like a real
 * provider and the figures are about our services. Each worker replica is pinned to
 * WORKER_CONCURRENCY slots, so a second replica doubles the slots of every stage.
 * Prints jobs/s (jobs over the time from the first upload to the last completion) and the p95
 * upload->completed latency for each, and the 2-replica/1-replica ratios, with Artillery's own CPU
 * (it shares the machine with the system).
 *
 * The gateway's abuse limits are set as an operator would for a load test (tests/load/load-env.ts).
 *
 * BENCH_LATENCY_MS sets the fake's latency; BENCH_LOAD_VUS and BENCH_LOAD_ITERATIONS the load.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { SERVICE_NAMES } from "@mp4t/contracts";
import { makeSilenceWav, startFakeOpenAi, type FakeOpenAiServer } from "../packages/testing/src/index.ts";
import { superviseService } from "../scripts/launcher.ts";
import { api, login, startSystem, type RunningSystem } from "../tests/e2e/system.ts";
import { LOAD_TEST_ENV, LOAD_TEST_PASSWORD } from "../tests/load/load-env.ts";
import { runUploadScenario } from "../tests/load/upload.journey.ts";

const WORKERS = SERVICE_NAMES.filter((n) => n !== "gateway");
const REPLICAS = [1, 2];
const CONCURRENCY = 2;
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 250);
const VUS = Number(process.env.BENCH_LOAD_VUS ?? 16);
const BATCH_VUS = 4;
const ITERATIONS = Number(process.env.BENCH_LOAD_ITERATIONS ?? 4);
const USERS = 4;

type Figures = { jobs: number; sec: number; p95: number; load: number; artilleryCpuSec: number; artilleryWallSec: number; requests: number };

/** Resolves once discovery lists `n` instances of every worker service. */
async function replicasUp(sys: RunningSystem, n: number): Promise<void> {
  const token = await login(sys.url, sys.admin.email, sys.admin.password);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await api<{ name: string }[]>(sys.url, "/v1/admin/services", { token });
    const count = (name: string) => (r.status === 200 ? r.body.filter((i) => i.name === name).length : 0);
    if (WORKERS.every((w) => count(w) >= n)) return;
    if (Date.now() > deadline) throw new Error(`not every worker has ${n} replicas: ${WORKERS.map((w) => `${w} ${count(w)}`).join(", ")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function once(replicas: number, fake: FakeOpenAiServer, wavs: string[]): Promise<Figures> {
  const env = {
    ...LOAD_TEST_ENV,
    TRANSCRIBE_ENGINE: "openai",
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_API_KEY: fake.apiKey,
    WORKER_CONCURRENCY: String(CONCURRENCY),
    WORKER_REPLICAS: String(replicas),
  };
  const sys = await startSystem(env);
  // startSystem runs one of each; the others join the same NATS and share its durable consumers.
  const extra: ReturnType<typeof superviseService>[] = [];
  try {
    const workerEnv = { ...process.env, LOG_LEVEL: "warn", ...env };
    for (let i = 1; i < replicas; i++) {
      for (const w of WORKERS) extra.push(superviseService(w, { ...workerEnv, ...(await sys.serviceEnv(w)) }, (l) => process.stderr.write(`  ${l}\n`)));
    }
    await replicasUp(sys, replicas);
    const load = loadavg()[0]!;
    const run = await runUploadScenario({
      baseUrl: sys.url,
      files: wavs,
      password: LOAD_TEST_PASSWORD,
      runId: `bench${replicas}-${Date.now()}`,
      users: USERS,
      vus: VUS,
      batchVus: BATCH_VUS,
      iterations: ITERATIONS,
      maxWaitSec: 240,
      durationSec: 300,
    });
    if (run.failed.length) throw new Error(`ensure failed: ${run.failed.join("; ")}\n${run.run.output}`);
    return {
      jobs: run.completed,
      sec: run.windowSec,
      p95: (run.run.summaries["load.job.upload_to_completed_ms"]?.p95 ?? Number.NaN) / 1000,
      load,
      artilleryCpuSec: run.run.cpuSec,
      artilleryWallSec: run.run.wallSec,
      requests: run.run.count("http.requests"),
    };
  } finally {
    await Promise.all(extra.map((p) => p.stop(10_000)));
    await sys.stop();
  }
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "mp4t-bench-load-"));
  const fake = await startFakeOpenAi({ latencyMs: LATENCY_MS, transcript: "one two three four five six seven eight" });
  try {
    const wavs = [
      await makeSilenceWav(join(dir, "one.wav"), 1, { channels: 1, sampleRate: 16_000 }),
      await makeSilenceWav(join(dir, "three.wav"), 3, { channels: 2, sampleRate: 44_100 }),
    ];
    const jobs = (VUS + BATCH_VUS) * ITERATIONS;
    process.stdout.write(
      `load: ${VUS} interactive + ${BATCH_VUS} batch VUs x ${ITERATIONS} uploads = ${jobs} jobs from ${USERS} accounts; ` +
        `${WORKERS.length} worker services x ${CONCURRENCY} slots per replica; provider latency ${LATENCY_MS} ms\n`,
    );
    const results: Figures[] = [];
    for (const r of REPLICAS) {
      const f = await once(r, fake, wavs);
      results.push(f);
      process.stdout.write(
        `  ${r} replica(s) of each worker: ${f.jobs} jobs in ${f.sec.toFixed(2)} s = ${(f.jobs / f.sec).toFixed(2)} jobs/s; p95 upload->completed ${f.p95.toFixed(2)} s (machine load average ${f.load.toFixed(1)} on ${cpus().length} CPUs)\n`,
      );
      process.stdout.write(
        `    Artillery's own CPU: ${f.artilleryCpuSec.toFixed(1)} s over its ${f.artilleryWallSec.toFixed(0)} s run (${((f.artilleryCpuSec / f.artilleryWallSec) * 100).toFixed(0)}% of one core) for ${f.requests} requests\n`,
      );
    }
    const [one, two] = results as [Figures, Figures];
    process.stdout.write(
      `  2 replicas / 1 replica: jobs/s x${(two.jobs / two.sec / (one.jobs / one.sec)).toFixed(2)}, p95 x${(two.p95 / one.p95).toFixed(2)}\n`,
    );
  } finally {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
}
