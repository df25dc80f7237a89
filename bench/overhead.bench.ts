/**
 * Overhead: what the pipeline costs beside the engine. Starts the system as `npm start` does
 * (tests/e2e/system.ts) with the OpenAI-compatible engine pointed at the local fake
 * (packages/testing), which answers at once, then:
 * - idle CPU of the whole stack over BENCH_IDLE_SEC (default 60), fresh, and resident memory;
 *   with BENCH_STORED_JOBS=N (default 0), first N finished jobs of earlier days are written into
 *   the job store (records only, as the admin), so "fresh" is a system holding that many: the
 *   janitor's reaper reads the store every minute, and that pass grows with it;
 * - BENCH_JOBS (default 20) LibriVox MP4 jobs (28 s) submitted at once; per job: CPU of every
 *   process from /proc (ingest's ffmpeg runs are children the spawn relay reaps, so excluded and
 *   printed apart, with one start alone; the relay's own CPU is the pipeline's; the fake engine lives in this process, so excluded), work messages,
 *   events, KV writes and reads, blob bytes written and read, pulls, acks, consumers created
 *   (counted by a subscriber on the server);
 * - the floor, same run, right after those jobs: bench/overhead/floor.ts makes the same hops per job with the same
 *   payload sizes and no work, against its own nats-server, the HTTP ones included (the upload
 *   into a bare server, the engine requests to the same fake), and its blobs deleted at its jobs'
 *   ends as the system's cleanup deletes them; its CPU (script + server) per job. Its server has
 *   the same traffic counter subscribed as the system's (the copies it sends cost a server CPU),
 *   and the floor's counted hops and write system calls are printed beside its CPU.
 *   It runs BENCH_FLOOR_RUNS times (default 3, at most 9), each a fresh process and server with a
 *   store of its own, and the median is
 *   the floor: one 3-second run of a cold process measured 0.025 to 0.049 s a job on the same
 *   machine, twice the spread of the system's own figure, and a ratio is only as steady as its divisor.
 * - the job's own computation, same run: the diarization algorithm (MFCC, clustering,
 *   resegmentation) on the job's audio, 16 kHz mono as ingest extracts it, warm, in this process
 *   (its thread's CPU). The diarizer does it for every job and the floor does not; the pipeline's
 *   CPU beside it, and its ratio to the floor, are printed too. Then, every thread of the process
 *   counted, the warm runs against runs each after a full collection: when V8 throws the hot
 *   loops' code away as a job's objects die, each run after a collection compiles them again,
 *   and the second figure grows against the first.
 * - BENCH_ROUNDS (default 3, at most 9) such rounds, each a batch of BENCH_JOBS and its floor runs
 *   right after it; the ratio is the median of the rounds' pipeline figures over the median of
 *   their floors, each round's ratio printed too;
 * - then BENCH_JOBS more jobs, the same way, while GET /health is asked of the gateway every 50 ms:
 *   its slowest answers show how long the gateway's event loop is held (in the all-in-one process,
 *   by every service's work). A batch of its own: the probes cost the gateway CPU, and the measured
 *   batch carries no observer the floor does not (the floor's server has the same traffic counter);
 * - idle CPU again, over the BENCH_IDLE_SEC from the end of that second batch, and memory (after
 *   the measured batch, and after the idle window);
 * BENCH_MODES (default `split,all-in-one,separate`): the process layouts of `npm start`
 * (MP4T_PROCESSES) measured one after the other in the same run, and a table of them at the end.
 * A layout with `:nats` (`all-in-one:nats`) keeps the blobs in the NATS Object Store
 * (BLOB_STORE=nats) instead of npm start's default on one machine, a directory under DATA_DIR;
 * the floor then moves the blobs the same way (Object Store chunks, or files written and read).
 * Goals (issue 12): pipeline CPU <= 0.15 s/job and <= 3x the floor; idle <= 0.3 s per 60 s;
 * RSS <= 400 MiB. The machine may be shared: figures are noisy, run it twice.
 */
import { execFile, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createInterface } from "node:readline";
import { BlobKeys, newId, Streams, type Job } from "@mp4t/contracts";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { makeLibrivoxMp4, startFakeOpenAi, type FakeOpenAiServer } from "../packages/testing/src/index.ts";
import { api, login, startSystem } from "../tests/e2e/system.ts";
import { LOAD_TEST_ENV, LOAD_TEST_PASSWORD } from "../tests/load/load-env.ts";
import { jetstream, jetstreamManager } from "../tests/lanes/jetstream.ts";
import { startBareNats } from "./overhead/bare-nats.ts";
import { median } from "./median.ts";
import { type BlobFile, watchBlobFiles } from "./overhead/blob-files.ts";
import type { FloorPlan } from "./overhead/floor.ts";
import { childCpuBetween, cpuBetween, faultsBetween, ownChildCpuSec, rssOf, sampleTree, total, writesBetween } from "./overhead/proc-stats.ts";
import { countTraffic, type Traffic } from "./overhead/traffic.ts";
import { decodeWav, diarize } from "../services/diarizer/src/index.ts";

const JOBS = Number(process.env.BENCH_JOBS ?? 20);
const STORED_JOBS = Number(process.env.BENCH_STORED_JOBS ?? 0);
const FLOOR_RUNS = Math.min(9, Math.max(1, Math.floor(Number(process.env.BENCH_FLOOR_RUNS ?? 3)) || 3));
const ROUNDS = Math.min(9, Math.max(1, Math.floor(Number(process.env.BENCH_ROUNDS ?? 3)) || 3));
const IDLE_SEC = Number(process.env.BENCH_IDLE_SEC ?? 60);
const USERS = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f2 = (n: number) => n.toFixed(2);
const f3 = (n: number) => n.toFixed(3);

/** Runs of each media tool's start alone. */
const TOOL_START_RUNS = 10;

/**
 * CPU seconds one start of a media tool costs, nothing decoded (`-version`), run as ingest runs it
 * (under prlimit): the mean of TOOL_START_RUNS runs, from this process's reaped children.
 */
function toolStartSec(bin: string): number {
  const before = ownChildCpuSec();
  for (let i = 0; i < TOOL_START_RUNS; i++) {
    const r = spawnSync("prlimit", ["--fsize=0:0", "--", bin, "-version"], { stdio: "ignore", timeout: 10_000 });
    if (r.status !== 0) throw new Error(`${bin} -version under prlimit: ${r.error?.message ?? `exit ${r.status ?? r.signal}`}`);
  }
  return (ownChildCpuSec() - before) / TOOL_START_RUNS;
}

async function idleCpu(roots: number[], label: string) {
  const a = sampleTree(roots);
  await sleep(IDLE_SEC * 1000); // the measurement is what the stack does while nothing happens
  const b = sampleTree(roots);
  const cpu = cpuBetween(a, b);
  const rss = rssOf(b);
  console.log(
    `[overhead] idle ${label}: ${f2(total(cpu))} s CPU over ${IDLE_SEC} s (${[...cpu].map(([k, v]) => `${k} ${f2(v)}`).join(", ")}); RSS ${rss.toFixed(0)} MiB (${b.map((p) => `${p.name} ${p.rssMiB.toFixed(0)}`).join(", ")})`,
  );
  return { cpu: total(cpu) * (60 / IDLE_SEC), rss };
}

/** `n` completed jobs of 40 users, a day old, written straight into the job bucket; then a pause for the writes to settle. */
async function storeFinishedJobs(sys: Awaited<ReturnType<typeof startSystem>>, n: number) {
  const nc = await sys.connectNats();
  try {
    const js = jetstream(nc); // a KV put is a publish on the bucket's subject for the key
    const day = new Date(Date.now() - 86_400_000).toISOString();
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) {
      const job: Job = {
        ...{ id: newId(), userId: `stored-${i % 40}`, status: "completed", progress: 1, fileName: "talk.mp4", sizeBytes: 10 },
        ...{ options: { language: "en", diarize: true, enhance: [], class: "interactive" }, stages: {}, createdAt: day, updatedAt: day, completedAt: day },
      };
      writes.push(js.publish(`$KV.mp4t-jobs.${job.userId}.${job.id}`, JSON.stringify(job)));
      if (writes.length >= 200) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
  } finally {
    await nc.close();
  }
  await sleep(3000);
}

/** Resolves once every job has ended and the cleanup lane is empty (the last stage of a job). */
async function allDone(nc: NatsConnection, ended: Map<string, string>, ids: string[]) {
  const jsm = await jetstreamManager(nc);
  const deadline = Date.now() + 15 * 60_000;
  while (ids.some((id) => !ended.has(id)) || (await jsm.streams.info(Streams.lane("low"))).state.messages > 0) {
    if (Date.now() > deadline) throw new Error(`only ${ended.size} of ${ids.length} jobs ended`);
    await sleep(200);
  }
  await sleep(1000); // acks and deletes in flight settle
}

/**
 * One job's blob files, for the floor to write and read back once each: those of the job whose
 * blobs weigh the median of the batch's jobs (the first blobs seen would be the first uploads
 * and audio, heavier than a job's share). Which of them the system moved into the store, not
 * wrote: the audio, a file ffmpeg wrote (its CPU is the media tools', left out) that ingest
 * renames into place; the floor makes those as a file of that size without writing its bytes.
 */
function oneJobsBlobs(files: BlobFile[]): { sizes: number[]; moved: number[] } {
  const byJob = new Map<string, BlobFile[]>();
  for (const f of files) {
    const id = /^jobs\/([^/]+)\//.exec(f.path)?.[1];
    if (!id) continue;
    const list = byJob.get(id);
    if (list) list.push(f);
    else byJob.set(id, [f]);
  }
  const weight = (l: BlobFile[]) => l.reduce((n, f) => n + f.size, 0);
  const jobs = [...byJob].sort((a, b) => weight(a[1]) - weight(b[1]));
  const [id, list] = jobs[Math.floor(jobs.length / 2)] ?? ["", []];
  return { sizes: list.map((f) => f.size), moved: list.flatMap((f, i) => (f.path === BlobKeys.audio(id) ? [i] : [])) };
}

function plan(t: Traffic, jobs: number, blobFiles: BlobFile[] | null, engine: FakeOpenAiServer, requests: FakeOpenAiServer["requests"]): FloorPlan {
  const per = (n: number) => Math.max(1, Math.round(n / jobs));
  const avg = (x: { n: number; bytes: number }) => (x.n ? x.bytes / x.n : 0);
  const perJob = <T>(list: T[]) => list.slice(0, Math.round(list.length / jobs));
  const files = blobFiles ? oneJobsBlobs(blobFiles) : null;
  return {
    jobs,
    parallel: Math.min(jobs, 8),
    work: { n: per(t.work.n), bytes: avg(t.work) },
    events: { n: per(t.events.n), bytes: avg(t.events) },
    kvWrites: { n: per(t.kvWrites.n), bytes: avg(t.kvWrites) },
    kvReads: per(t.kvReads),
    blobs: blobFiles ? "file" : "nats",
    objectsWritten: files?.sizes ?? perJob(t.objectsWritten),
    objectsMoved: files?.moved ?? [],
    objectsRead: files?.sizes ?? perJob(t.objectsRead),
    engine: {
      n: Math.round(requests.length / jobs), // none if the system made none
      fileBytes: requests.reduce((sum, r) => sum + r.fileBytes, 0) / Math.max(1, requests.length),
      baseURL: engine.baseURL,
      apiKey: engine.apiKey,
    },
  };
}

async function floor(p: FloorPlan, dir: string, upload: () => FormData) {
  const { url, proc: server, stop } = await startBareNats(join(dir, "floor-nats"));
  const planFile = join(dir, "floor-plan.json");
  await writeFile(planFile, JSON.stringify(p));
  // The same observer as on the system's server: the counter's copies cost a server CPU.
  const observer = await connect({ servers: url });
  const spy = countTraffic(observer);
  await observer.flush();
  const child = spawn(process.execPath, [join(import.meta.dirname, "overhead", "floor.ts"), url, planFile], { stdio: ["pipe", "pipe", "inherit"] });
  try {
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const ready = /^ready (\d+)$/.exec(((await lines.next()).value as string | undefined) ?? "");
    if (!ready) throw new Error("floor script did not start");
    const roots = [server.pid!, child.pid!];
    const a = sampleTree(roots);
    // The uploads, one after the other as in the system run; the floor's jobs start as they arrive.
    for (let i = 0; i < p.jobs; i++) {
      const r = await fetch(`http://127.0.0.1:${ready[1]}/upload`, { method: "POST", body: upload() });
      if (r.status !== 202) throw new Error(`floor upload ${i}: ${r.status}`);
      await r.arrayBuffer();
    }
    const line = (await lines.next()).value as string | undefined;
    if (!line) throw new Error("floor script ended without a result");
    const result = JSON.parse(line) as { wallSec: number };
    const b = sampleTree(roots);
    child.stdin!.end();
    await once(child, "exit");
    await observer.flush();
    return { cpu: cpuBetween(a, b), writes: writesBetween(a, b), wallSec: result.wallSec, traffic: spy.traffic };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    spy.stop();
    await observer.close();
    await stop();
  }
}

/**
 * CPU seconds of one run of the diarization algorithm on the job's audio, warm (the mean of 10
 * after 3), on this process's thread (`warm`): what the diarizer computes for each job, without
 * its hops. Without word times (the diarizer gets the transcript's words; the features and the
 * clustering, most of the cost, are the same). `warmAll` is the same runs with every thread of the
 * process counted, `afterGc` 10 more counted so, each after a full collection.
 */
async function diarizeWork(mediaPath: string, dir: string): Promise<{ warm: number; warmAll: number; afterGc: number }> {
  const wav = join(dir, "work.wav");
  await promisify(execFile)("ffmpeg", ["-v", "error", "-i", mediaPath, "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", "-y", wav]);
  const audio = decodeWav(new Uint8Array(await readFile(wav)));
  const opts = { yield: () => Promise.resolve() };
  for (let i = 0; i < 3; i++) await diarize(audio, opts);
  const runs = 10;
  const t0 = process.threadCpuUsage();
  let p0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) await diarize(audio, opts);
  const t = process.threadCpuUsage(t0);
  const p = process.cpuUsage(p0);
  // Each run after a full collection (and 50 ms for its sweeping to finish), every thread of the
  // process counted, against the warm runs counted the same way: V8's compilers work on threads of
  // their own, and code that V8 throws away when a job's objects die is compiled again in every
  // run after a collection (docs/architecture.md, "Eleventh pass").
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  let afterGc = 0;
  for (let i = 0; i < runs; i++) {
    gc();
    await sleep(50);
    p0 = process.cpuUsage();
    await diarize(audio, opts);
    const c = process.cpuUsage(p0);
    afterGc += (c.user + c.system) / 1e6;
  }
  return { warm: (t.user + t.system) / 1e6 / runs, warmAll: (p.user + p.system) / 1e6 / runs, afterGc: afterGc / runs };
}

/** Latency of GET /health every 50 ms until stopped: the gateway's event loop held by other work. */
function probeGateway(url: string) {
  const ms: number[] = [];
  let on = true;
  const loop = (async () => {
    while (on) {
      const t = performance.now();
      await fetch(`${url}/health`).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
      ms.push(performance.now() - t);
      await sleep(50);
    }
  })();
  return async () => {
    on = false;
    await loop;
    const sorted = ms.sort((a, b) => a - b);
    return { p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0, max: sorted.at(-1) ?? 0, n: sorted.length };
  };
}

type ModeResult = {
  mode: string;
  rssFresh: number;
  rssAfterJobs: number;
  idleFresh: number;
  idleAfter: number;
  cpuPerJob: number;
  floorPerJob: number;
  workPerJob: number;
  toolsPerJob: number;
  health: { p99: number; max: number };
  wallSec: number;
};

export async function run(): Promise<void> {
  const modes = (process.env.BENCH_MODES ?? "split,all-in-one,separate").split(",").map((m) => m.trim());
  const results: ModeResult[] = [];
  for (const mode of modes) {
    console.log(`[overhead] --- MP4T_PROCESSES=${mode} ---`);
    results.push(await runMode(mode));
  }
  console.log(
    "[overhead] mode             RSS fresh  RSS after jobs  idle fresh  idle after  CPU/job  floor/job  ratio  diarize/job  ratio beside it  tools/job  /health p99/max ms  wall",
  );
  for (const r of results) {
    console.log(
      `[overhead] ${r.mode.padEnd(16)} ${`${r.rssFresh.toFixed(0)} MiB`.padStart(9)}  ${`${r.rssAfterJobs.toFixed(0)} MiB`.padStart(14)}  ${`${f2(r.idleFresh)} s`.padStart(10)}  ${`${f2(r.idleAfter)} s`.padStart(10)}  ${`${f3(r.cpuPerJob)} s`.padStart(7)}  ${`${f3(r.floorPerJob)} s`.padStart(9)}  ${f2(r.cpuPerJob / Math.max(1e-6, r.floorPerJob)).padStart(5)}  ${`${f3(r.workPerJob)} s`.padStart(11)}  ${f2((r.cpuPerJob - r.workPerJob) / Math.max(1e-6, r.floorPerJob)).padStart(15)}  ${`${f3(r.toolsPerJob)} s`.padStart(9)}  ${`${r.health.p99.toFixed(0)}/${r.health.max.toFixed(0)}`.padStart(18)}  ${r.wallSec.toFixed(1)} s`,
    );
  }
}

async function runMode(mode: string): Promise<ModeResult> {
  const [layout, blobStore] = mode.split(":");
  const dir = await mkdtemp(join(tmpdir(), "mp4t-overhead-"));
  const media = await makeLibrivoxMp4(dir);
  const engine = await startFakeOpenAi({ transcript: "one two three four five six seven eight nine ten eleven twelve" });
  // The operator's load-test limits (registrations and logins from one address, a cheaper hash).
  const sys = await startSystem({
    MP4T_PROCESSES: layout,
    ...(blobStore ? { BLOB_STORE: blobStore } : {}),
    ...LOAD_TEST_ENV,
    TRANSCRIBE_ENGINE: "openai",
    OPENAI_BASE_URL: engine.baseURL,
    OPENAI_API_KEY: engine.apiKey,
    LOG_LEVEL: "warn",
  });
  const roots = [sys.proc.pid!];
  try {
    await sleep(3000); // start-up work (topology, admin seed) is not idle time
    if (STORED_JOBS > 0) await storeFinishedJobs(sys, STORED_JOBS);
    const fresh = await idleCpu(roots, STORED_JOBS > 0 ? `fresh, holding ${STORED_JOBS} finished jobs` : "fresh");

    const tokens: string[] = [];
    for (let u = 0; u < USERS; u++) {
      const email = `overhead-${u}@bench.test`;
      await api(sys.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email, password: LOAD_TEST_PASSWORD }) });
      tokens.push(await login(sys.url, email, LOAD_TEST_PASSWORD));
    }
    // As the NATS admin: the services' users may not see every subject the traffic count reads.
    const nc = await sys.connectNats();
    const ended = new Map<string, string>();
    const noteEnd = (data: Uint8Array) => {
      const ev = JSON.parse(new TextDecoder().decode(data)) as { jobId: string; type: string };
      if (ev.type === "completed" || ev.type === "failed" || ev.type === "canceled") ended.set(ev.jobId, ev.type);
    };
    const blobDir = join(sys.dataDir, "blobs");
    const body = await readFile(media.path);
    const uploadForm = (i: number) => {
      const form = new FormData();
      form.append("file", new Blob([body], { type: "video/mp4" }), `bench-${i}.mp4`);
      return form;
    };
    /** JOBS uploads, one after the other, then every job's end and the cleanup lane's. */
    const batch = async () => {
      const ids: string[] = [];
      for (let i = 0; i < JOBS; i++) {
        const r = await api<Job>(sys.url, "/v1/jobs", { method: "POST", body: uploadForm(i), token: tokens[i % USERS]! });
        if (r.status !== 202) throw new Error(`upload ${i}: ${r.status} ${r.text}`);
        ids.push(r.body.id);
      }
      await allDone(nc, ended, ids);
      return ids;
    };
    /**
     * One measured round: a batch of JOBS with the hops counted, then the floor's runs for what it
     * counted, right after it (see below). Per job: the pipeline's CPU and the floor's median.
     */
    const round = async (r: number) => {
      if (ROUNDS > 1) console.log(`[overhead] round ${r + 1} of ${ROUNDS}`);
      const spy = countTraffic(nc, noteEnd);
      const files = existsSync(blobDir) ? await watchBlobFiles(blobDir) : null;
      await nc.flush();
      const requestsBefore = engine.requests.length;
      const a = sampleTree(roots);
      const t0 = performance.now();
      const ids = await batch();
      const wallSec = (performance.now() - t0) / 1000;
      const b = sampleTree(roots);
      const blobFiles = (await files?.stop()) ?? null;
      const measuredRequests = engine.requests.slice(requestsBefore); // the next batches add their own
      await nc.flush();
      const t = spy.traffic;
      if (blobFiles) t.objectsWritten = t.objectsRead = blobFiles.map((f) => f.size);
      spy.stop();
      const failed = ids.filter((id) => ended.get(id) !== "completed").length;
      const cpu = cpuBetween(a, b);
      const perJob = total(cpu) / JOBS;
      const sum = (l: number[]) => l.reduce((x, y) => x + y, 0);
      console.log(
        `[overhead] ${JOBS} jobs of ${media.durationSec.toFixed(1)} s in ${wallSec.toFixed(1)} s (${failed} not completed); engine requests ${measuredRequests.length}`,
      );
      console.log(
        `[overhead] pipeline CPU per job: ${f3(perJob)} s (${[...cpu]
          .sort((x, y) => y[1] - x[1])
          .map(([k, v]) => `${k} ${f3(v / JOBS)}`)
          .join(", ")})`,
      );
      const faults = faultsBetween(a, b);
      console.log(
        `[overhead] minor page faults per job: ${(total(faults) / JOBS).toFixed(0)} (${[...faults]
          .sort((x, y) => y[1] - x[1])
          .map(([k, v]) => `${k} ${(v / JOBS).toFixed(0)}`)
          .join(", ")}): pages touched for the first time, each one a trap into the kernel`,
      );
      const writes = writesBetween(a, b);
      console.log(
        `[overhead] write system calls per job: ${(total(writes) / JOBS).toFixed(0)} (${[...writes]
          .sort((x, y) => y[1] - x[1])
          .map(([k, v]) => `${k} ${(v / JOBS).toFixed(0)}`)
          .join(", ")}): socket and file writes (a parent's count holds its reaped children's: the relay's is mostly ffmpeg writing the PCM file)`,
      );
      const children = childCpuBetween(a, b, roots);
      const tools = total(children.cpu) / JOBS;
      if (children.changed)
        console.log("[overhead] WARNING: a process of the system started or ended during the jobs: the media tools' figure below includes what it reaped");
      const pj = (n: number) => f2(n / JOBS);
      console.log(
        `[overhead] per job: work messages ${pj(t.work.n)} (${(t.work.bytes / Math.max(1, t.work.n)).toFixed(0)} B), events ${pj(t.events.n)}, KV writes ${pj(t.kvWrites.n)}, KV reads ${pj(t.kvReads)}, ` +
          `blobs${blobFiles ? " (files; reads taken as one per blob)" : ""} written ${pj(t.objectsWritten.length)} (${(sum(t.objectsWritten) / JOBS / 1024).toFixed(0)} KiB), blobs read ${pj(t.objectsRead.length)} (${(sum(t.objectsRead) / JOBS / 1024).toFixed(0)} KiB), blob info reads ${pj(t.blobMetaReads)}, ` +
          `pulls ${pj(t.pulls)}, acks ${pj(t.acks)}, consumers created ${pj(t.consumersCreated)}, consumer infos/lists ${pj(t.consumerInfos)}, stream infos ${pj(t.streamInfos)}, other API ${[...t.otherApi].map(([k, v]) => `${k} ${pj(v)}`).join(" ") || "0"}`,
      );
      const rssAfterJobs = rssOf(b);

      // The floor right after the measured batch, so the two are measured on the machine as it is
      // then: a VM's pace drifts over minutes, and a floor taken two minutes later (after the idle
      // minute and the second batch) moved by half between two layouts of one run (0.023 against
      // 0.035 s a job, each the median of five runs that agreed within 0.007) while the system's
      // own figure stayed within 3 % (0.084 and 0.082 s).
      const p = plan(t, JOBS, blobFiles, engine, measuredRequests);
      const floors: number[] = [];
      for (let i = 0; i < FLOOR_RUNS; i++) {
        const runDir = join(dir, `floor-${i + 1}`); // each run its own server store and blob files
        await mkdir(runDir, { recursive: true });
        const fl = await floor(p, runDir, () => uploadForm(0));
        await rm(runDir, { recursive: true, force: true });
        floors.push(total(fl.cpu) / JOBS);
        const ft = fl.traffic;
        console.log(
          `[overhead] floor run ${i + 1} of ${FLOOR_RUNS} (bare nats.js and node:http, same hops and sizes, the upload and ${p.engine.n} engine request${p.engine.n === 1 ? "" : "s"} of ${(p.engine.fileBytes / 1024).toFixed(0)} KiB included): ${f3(floors[i]!)} s CPU per job (${[...fl.cpu].map(([k, v]) => `${k} ${f3(v / JOBS)}`).join(", ")}); ${fl.wallSec.toFixed(1)} s wall; write system calls per job ${[...fl.writes].map(([k, v]) => `${k} ${(v / JOBS).toFixed(0)}`).join(", ")};` +
            ` counted as the system's: work ${pj(ft.work.n)}, events ${pj(ft.events.n)}, KV writes ${pj(ft.kvWrites.n)}, KV reads ${pj(ft.kvReads)}, pulls ${pj(ft.pulls)}, acks ${pj(ft.acks)}${p.blobs === "nats" ? `, blob chunks ${pj(ft.blobChunks.n)}, blob infos ${pj(ft.blobMeta)}` : ""}`,
        );
      }
      const floorPerJob = median(floors);
      if (FLOOR_RUNS > 1) console.log(`[overhead] floor: the median of ${FLOOR_RUNS} runs, ${f3(floorPerJob)} s CPU per job (${floors.map(f3).join(", ")})`);
      if (ROUNDS > 1)
        console.log(`[overhead] round ${r + 1}: pipeline ${f3(perJob)} s/job, floor ${f3(floorPerJob)} s/job, ${f2(perJob / Math.max(1e-6, floorPerJob))}x`);
      return { perJob, floorPerJob, rssAfterJobs, tools, wallSec };
    };
    // BENCH_ROUNDS measured rounds, each a batch and its floor runs: the ratio is the median of the
    // pipeline's figures over the median of the floor's. One batch of 100 jobs moved by 0.052-0.059
    // s a job between runs on one machine, as much as the floor (0.018-0.023): a median on one
    // side only steadies half the ratio. The first round is the fresh system's (its code compiled as
    // it goes), the later ones a warm system's; RSS "after jobs" is the first round's (100 jobs).
    const rounds: Awaited<ReturnType<typeof round>>[] = [];
    for (let r = 0; r < ROUNDS; r++) rounds.push(await round(r));
    const perJob = median(rounds.map((x) => x.perJob));
    const floorPerJob = median(rounds.map((x) => x.floorPerJob));
    const { rssAfterJobs, wallSec } = rounds[0]!;
    const tools = median(rounds.map((x) => x.tools));
    if (ROUNDS > 1) {
      console.log(
        `[overhead] ${ROUNDS} rounds: pipeline ${f3(perJob)} s/job (${rounds.map((x) => f3(x.perJob)).join(", ")}), floor ${f3(floorPerJob)} s/job (${rounds.map((x) => f3(x.floorPerJob)).join(", ")}); ratio of the medians ${f2(perJob / Math.max(1e-6, floorPerJob))}x, per round ${rounds.map((x) => f2(x.perJob / Math.max(1e-6, x.floorPerJob))).join(", ")}; RSS after each round ${rounds.map((x) => x.rssAfterJobs.toFixed(0)).join(", ")} MiB`,
      );
    }
    // The gateway's responsiveness under the same load, in a second batch after the measured one:
    // the probes are the bench's, not the pipeline's, and cost the gateway CPU of their own (20
    // requests a second), which the floor does not carry.
    const events = nc.subscribe("mp4t.v1.events.>", { callback: (err, m) => void (err || noteEnd(m.data)) });
    await nc.flush();
    const health = probeGateway(sys.url);
    await batch();
    const latency = await health();
    // The idle minute after the jobs starts as the second batch's end: the floor runs took the
    // minute right after the first batch.
    const after = await idleCpu(roots, "after jobs");
    events.unsubscribe();
    await nc.close();
    // After the idle minute, so its window starts as the jobs end (the starts take a few seconds).
    const start = toolStartSec(process.env.FFMPEG_BIN ?? "ffmpeg");
    console.log(
      `[overhead] media tools per job (ingest's ffmpeg, one run a job: children the spawn relay reaped, left out of the pipeline's CPU): ${f3(tools)} s CPU;` +
        ` one start of ffmpeg alone (-version under prlimit, ${TOOL_START_RUNS} runs): ${f3(start)} s`,
    );

    const work = await diarizeWork(media.path, dir);
    const workPerJob = work.warm;
    console.log(
      `[overhead] the job's own computation, alone (the diarization algorithm on its ${media.durationSec.toFixed(1)} s, warm, this process's thread): ${f3(workPerJob)} s;` +
        ` the pipeline's CPU beside it ${f3(perJob - workPerJob)} s/job, ${f2((perJob - workPerJob) / Math.max(1e-6, floorPerJob))}x the floor;` +
        ` every thread of the process, warm ${f3(work.warmAll)} s, after a full collection each time ${f3(work.afterGc)} s (${f2(work.afterGc / Math.max(1e-6, work.warmAll))}x)`,
    );
    console.log(`[overhead] RSS fresh ${fresh.rss.toFixed(0)} MiB, after jobs ${rssAfterJobs.toFixed(0)} MiB, after idle ${after.rss.toFixed(0)} MiB`);
    console.log(`[overhead] gateway GET /health while the jobs ran: p99 ${latency.p99.toFixed(0)} ms, max ${latency.max.toFixed(0)} ms (${latency.n} probes)`);
    console.log(
      `[overhead] ratios: pipeline/floor ${f2(perJob / Math.max(1e-6, floorPerJob))}x (goal <= 3); pipeline ${f3(perJob)} s/job (goal <= 0.15); idle ${f2(fresh.cpu)} / ${f2(after.cpu)} s per 60 s fresh / after (goal <= 0.3); RSS ${fresh.rss.toFixed(0)} MiB (goal <= 400)`,
    );
    return {
      mode,
      rssFresh: fresh.rss,
      rssAfterJobs,
      idleFresh: fresh.cpu,
      idleAfter: after.cpu,
      cpuPerJob: perJob,
      floorPerJob,
      workPerJob,
      toolsPerJob: tools,
      health: latency,
      wallSec,
    };
  } finally {
    await sys.stop();
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  }
}
