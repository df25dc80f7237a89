/**
 * The replaced Python/Celery backend's load test, run against ours: 1000 users each log in, upload
 * one small media file and wait for its transcript (tests/load/scenarios/legacy.yml on Artillery,
 * run as a child process by tests/load/legacy.journey.ts), against the
 * whole system as `npm start` runs it (scripts/start.mjs: one replica of every service, the default
 * profile's worker slots). Prints each old goal (login > 95 %, upload > 90 %, completion > 85 %,
 * upload < 5 s, > 10 uploads/s) next to our figure and the ratio ours / goal, then end-to-end jobs/s
 * and lost jobs: every accepted upload must appear in its owner's GET /v1/jobs afterwards.
 * The engine is the OpenAI-compatible fake with a fixed latency, so the figures are about our
 * services, not about a speech model on this machine; Artillery, the system and the fake share its
 * CPUs, so Artillery's own CPU (from /proc) is printed beside the figures. The gateway's abuse limits are set as an operator would for a load test
 * (tests/load/load-env.ts).
 *
 * Env: BENCH_LEGACY_USERS (1000), BENCH_LEGACY_RAMP_SEC (0: all users arrive within 1 s, Artillery's
 * shortest phase; else spread evenly over that many seconds), BENCH_LEGACY_ARRIVAL_RATE (users/s:
 * an `arrivalRate` phase instead),
 * BENCH_LEGACY_MAX_WAIT_SEC (300, per job), BENCH_LEGACY_POLL_SEC (2), BENCH_LEGACY_SETTLE_SEC
 * (120: how long unfinished jobs are followed after the run), BENCH_LATENCY_MS (250),
 * BENCH_LEGACY_LOG (a file for the system's whole output), BENCH_LEGACY_SIGN_IN (`journey`, the
 * old test: each user logs in on arrival; `before`: every user logs in before the run, timed apart,
 * and arrives signed in, so uploads/s is what the system accepts rather than how fast it hashes
 * passwords: 1000 logins at cost 2^14 are over a minute of one core's scrypt).
 */
import { createWriteStream } from "node:fs";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { PIPELINE_STAGES, SERVICE_NAMES, type Job } from "@mp4t/contracts";
import { librivoxClips, makeSilenceMp4, makeSilenceWav, startFakeOpenAi } from "../packages/testing/src/index.ts";
import { api, login, startSystem, type RunningSystem } from "../tests/e2e/system.ts";
import { LOAD_TEST_ENV, LOAD_TEST_PASSWORD as PASSWORD, METRICS_TOKEN } from "../tests/load/load-env.ts";
import { endpoint, requestErrors, seconds, serverErrors } from "../tests/load/artillery.ts";
import { runLegacyScenario, type LegacyRun, type Phase } from "../tests/load/legacy.journey.ts";
import { auditJobs } from "../tests/load/lost-jobs.ts";
import { scrape, total } from "../tests/observability/prometheus.ts";

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const USERS = num("BENCH_LEGACY_USERS", 1000);
const RAMP_SEC = num("BENCH_LEGACY_RAMP_SEC", 0);
const ARRIVAL_RATE = num("BENCH_LEGACY_ARRIVAL_RATE", 0);
const MAX_WAIT_SEC = num("BENCH_LEGACY_MAX_WAIT_SEC", 300);
const POLL_SEC = num("BENCH_LEGACY_POLL_SEC", 2);
const SETTLE_SEC = num("BENCH_LEGACY_SETTLE_SEC", 120);
const LATENCY_MS = num("BENCH_LATENCY_MS", 250);
const SIGN_IN_FIRST = (process.env.BENCH_LEGACY_SIGN_IN ?? "journey") === "before";

type Goal = { label: string; ours: number; op: ">" | "<"; goal: number; show: (n: number) => string };
type Instance = { name: string; stats: { workers?: Record<string, unknown>[] } | null };

/** A small mix like real uploads: short WAVs (mono 16 kHz, stereo 44.1 kHz), an MP4 and real speech. */
async function makeMedia(dir: string): Promise<string[]> {
  const files = [
    await makeSilenceWav(join(dir, "one-mono.wav"), 1, { channels: 1, sampleRate: 16_000 }),
    await makeSilenceWav(join(dir, "three-stereo.wav"), 3, { channels: 2, sampleRate: 44_100 }),
    await makeSilenceMp4(join(dir, "four.mp4"), 4),
  ];
  const [speech] = await librivoxClips();
  if (!speech) throw new Error("no LibriVox clip (Debian pocketsphinx-en-us test data)");
  await copyFile(speech.path, join(dir, "speech.wav"));
  return [...files, join(dir, "speech.wav")];
}

/** Live instances from discovery; waits (60 s at most) until every service has at least one. */
async function instances(sys: RunningSystem): Promise<Instance[]> {
  const token = await login(sys.url, sys.admin.email, sys.admin.password);
  for (const deadline = Date.now() + 60_000; ; ) {
    const r = await api<Instance[]>(sys.url, "/v1/admin/services", { token });
    if (r.status !== 200) throw new Error(`GET /v1/admin/services: ${r.status} ${r.text}`);
    if (SERVICE_NAMES.every((n) => r.body.some((i) => i.name === n)) || Date.now() > deadline) return r.body;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Per service: replicas and, from each worker's stats, the given numeric fields summed. */
function describeInstances(list: Instance[], fields: string[]): string {
  return SERVICE_NAMES.map((name) => {
    const mine = list.filter((i) => i.name === name);
    const workers = mine.flatMap((i) => i.stats?.workers ?? []);
    const sum = (f: string) => workers.reduce((a, w) => a + (typeof w[f] === "number" ? (w[f] as number) : 0), 0);
    const extra = workers.length ? ` (${fields.map((f) => `${f} ${sum(f)}`).join(", ")})` : "";
    return `${name} x${mine.length}${extra}`;
  }).join("; ");
}

const TIMELINE_SEC = 15;

/**
 * Every TIMELINE_SEC while the run goes: per service, its workers' slots in use and slots
 * (the autoscaler's), and the backlog they see: where the jobs wait, and whether a process sheds
 * slots under load. One admin request each time (GET /v1/admin/services).
 */
function sampleWorkers(sys: RunningSystem, started: number) {
  const lines: string[] = [];
  let token: string | undefined;
  const sample = async () => {
    token ??= await login(sys.url, sys.admin.email, sys.admin.password);
    const r = await api<Instance[]>(sys.url, "/v1/admin/services", { token, signal: AbortSignal.timeout(10_000) });
    if (r.status === 401) token = undefined;
    if (r.status !== 200) return lines.push(`+${((Date.now() - started) / 1000).toFixed(0)} s: ${r.status}`);
    const per = SERVICE_NAMES.filter((n) => n !== "gateway").map((name) => {
      const w = r.body.filter((i) => i.name === name).flatMap((i) => i.stats?.workers ?? []);
      const sum = (f: string) => w.reduce((a, x) => a + (typeof x[f] === "number" ? (x[f] as number) : 0), 0);
      return `${name} ${sum("inFlight")}/${sum("concurrency")}, ${sum("backlog")}`;
    });
    lines.push(`+${((Date.now() - started) / 1000).toFixed(0)} s: ${per.join("; ")}`);
  };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await sample().catch((e: Error) => lines.push(`+${((Date.now() - started) / 1000).toFixed(0)} s: ${e.message}`));
      for (let t = 0; t < TIMELINE_SEC * 4 && !stopped; t++) await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return lines;
    },
  };
}

/** Per pipeline stage: median and p95 run time, and jobs through it per second (the slowest bounds the system). */
function stageFigures(jobs: Job[]): string {
  return PIPELINE_STAGES.map((stage) => {
    const runs = jobs.flatMap((j) => {
      const s = j.stages[stage];
      return s?.status === "done" && s.startedAt && s.finishedAt ? [{ start: Date.parse(s.startedAt), end: Date.parse(s.finishedAt) }] : [];
    });
    if (runs.length === 0) return `${stage} -`;
    const secs = runs.map((r) => (r.end - r.start) / 1000).sort((a, b) => a - b);
    const at = (q: number) => secs[Math.min(secs.length - 1, Math.floor(q * secs.length))]!;
    const span = (Math.max(...runs.map((r) => r.end)) - Math.min(...runs.map((r) => r.start))) / 1000;
    return `${stage} p50 ${at(0.5).toFixed(2)} s, p95 ${at(0.95).toFixed(2)} s, ${(runs.length / span).toFixed(2)} jobs/s`;
  }).join("; ");
}

/**
 * Restart notices and warn/error log lines of the system while the bench runs, grouped by service
 * and message. BENCH_LEGACY_LOG names a file that gets the whole output too.
 */
function watchSystem(sys: RunningSystem) {
  const groups = new Map<string, { n: number; example: string }>();
  const tee = process.env.BENCH_LEGACY_LOG ? createWriteStream(process.env.BENCH_LEGACY_LOG) : undefined;
  let rest = "";
  const onData = (d: Buffer) => {
    tee?.write(d);
    const parts = (rest + d.toString()).split("\n");
    rest = parts.pop() ?? "";
    for (const l of parts) {
      let key: string | undefined;
      if (/exited \(|restarting/.test(l)) key = l.replace(/\d+ ms/, "N ms");
      else if (l.startsWith("{")) {
        let j: { level?: number; service?: string; msg?: string; err?: string | { message?: string } } = {};
        try {
          j = JSON.parse(l) as typeof j;
        } catch {
          /* a partial or non-JSON line */
        }
        const err = typeof j.err === "string" ? j.err : (j.err?.message ?? "");
        if ((j.level ?? 0) >= 40) key = `${j.level! >= 50 ? "ERROR" : "WARN"} ${j.service}: ${j.msg} ${err.slice(0, 160)}`;
      }
      if (!key) continue;
      const g = groups.get(key) ?? { n: 0, example: l.slice(0, 600) };
      g.n++;
      groups.set(key, g);
    }
  };
  sys.proc.stdout!.on("data", onData);
  sys.proc.stderr!.on("data", onData);
  return {
    count: () => [...groups.values()].reduce((a, g) => a + g.n, 0),
    top: (n: number) => [...groups.entries()].sort((a, b) => b[1].n - a[1].n).slice(0, n),
    close: () => tee?.end(),
  };
}

/** The processor's notes of one kind, counted by text with ids and emails blanked. */
function reasons(notes: LegacyRun["notes"], kind: string): [string, number][] {
  const counts = new Map<string, number>();
  for (const n of notes.filter((x) => x.kind === kind)) {
    const why = n.text
      .replace(/[0-9a-z]{26}/g, "<id>")
      .replace(/\S+@load\.test/g, "<user>")
      .slice(0, 240);
    counts.set(why, (counts.get(why) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

/** How users arrive: all at once (the old test), spread over RAMP_SEC, or at ARRIVAL_RATE users/s. */
function phases(): { phases: Phase[]; spanSec: number; say: string } {
  if (ARRIVAL_RATE > 0) {
    const sec = Math.ceil(USERS / ARRIVAL_RATE);
    return { phases: [{ name: "rate", duration: sec, arrivalRate: ARRIVAL_RATE }], spanSec: sec, say: `arrive at ${ARRIVAL_RATE} users/s (${sec} s)` };
  }
  if (RAMP_SEC > 0)
    return { phases: [{ name: "spread", duration: RAMP_SEC, arrivalCount: USERS }], spanSec: RAMP_SEC, say: `arrive evenly over ${RAMP_SEC} s` };
  return { phases: [{ name: "burst", duration: 1, arrivalCount: USERS }], spanSec: 1, say: "all arrive within 1 s (1 journey each)" };
}

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const out = (line: string) => process.stdout.write(`${line}\n`);

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "mp4t-bench-legacy-"));
  const fake = await startFakeOpenAi({ latencyMs: LATENCY_MS, transcript: "one two three four five six seven eight" });
  let sys: RunningSystem | undefined;
  let watch: ReturnType<typeof watchSystem> | undefined;
  try {
    const files = await makeMedia(dir);
    sys = await startSystem({ ...LOAD_TEST_ENV, TRANSCRIBE_ENGINE: "openai", OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: fake.apiKey });
    watch = watchSystem(sys);
    out(
      `old system's load test: ${USERS} users, each: ${SIGN_IN_FIRST ? "(signed in before the run) " : "log in, "}upload 1 file, poll its job every ~${POLL_SEC} s (wait <= ${MAX_WAIT_SEC} s), fetch the transcript`,
    );
    const arrival = phases();
    out(`  users ${arrival.say}; accounts registered first (50 at a time), not timed as login`);
    out(`  files (round robin): ${files.map((f) => basename(f)).join(", ")}`);
    out(`  engine: OpenAI-compatible fake answering after ${LATENCY_MS} ms (not pocketsphinx): the figures are about our services`);
    out(`  system as \`npm start\` runs it (default profile): ${describeInstances(await instances(sys), ["concurrency"])}`);
    out(`  Artillery (tests/load/scenarios/legacy.yml, a child process), the system and the fake share this ${cpus().length}-CPU machine`);
    out(
      `  operator limits for the run (tests/load/load-env.ts): ${Object.entries(LOAD_TEST_ENV)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}`,
    );

    const started = Date.now();
    const load0 = loadavg()[0]!;
    const timeline = sampleWorkers(sys, started);
    const result = await runLegacyScenario({
      baseUrl: sys.url,
      files,
      password: PASSWORD,
      runId: `legacy${Date.now()}`,
      users: USERS,
      phases: arrival.phases,
      maxWaitSec: MAX_WAIT_SEC,
      pollSec: POLL_SEC,
      registerLanes: 50,
      durationSec: arrival.spanSec + MAX_WAIT_SEC + 240,
      signInFirst: SIGN_IN_FIRST,
    });
    const samplesOfWorkers = await timeline.stop();
    const { run, register } = result;
    const wallSec = (Date.now() - started) / 1000;
    const owned = result.jobs;
    const logins = endpoint(run, "login");
    const upload = endpoint(run, "upload");
    const accepted = run.count("load.jobs.accepted");
    const completed = run.count("load.jobs.completed");
    const created = run.count("vusers.created");
    const uploadWindow = (result.lastUploadEnd - result.firstUploadStart) / 1000;
    const e2eWindow = (result.lastCompletion - result.firstUploadStart) / 1000;
    const loginSec = seconds(run, "login");
    const uploadSec = seconds(run, "upload");
    const e2e = seconds(run, "load.job.upload_to_completed_ms");
    const nan = (n: number | undefined) => n ?? Number.NaN;

    out(
      `  setup: ${endpoint(register, "register").ok(201)}/${USERS} accounts registered in ${register.wallSec.toFixed(1)} s` +
        ` (Artillery, 50 at a time); registration and run ${wallSec.toFixed(0)} s; ${created} users arrived, ${run.count("vusers.skipped")} skipped, ${run.count("vusers.failed")} ended by an error`,
    );
    // The machine is shared: the load average says how much of it the system and Artillery had.
    out(
      `  Artillery's own CPU ${run.cpuSec.toFixed(1)} s over its ${run.wallSec.toFixed(0)} s run (${((run.cpuSec / run.wallSec) * 100).toFixed(0)}% of one core)` +
        ` for ${run.count("http.requests")} requests, registration run ${register.cpuSec.toFixed(1)} s;` +
        ` machine load average ${load0.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end (${cpus().length} CPUs)`,
    );
    const signIn = result.signIn;
    if (signIn)
      out(
        `  signed in before the run: ${signIn.ok}/${USERS} logins in ${signIn.wallSec.toFixed(1)} s (50 at a time), p95 ${signIn.p95Sec.toFixed(2)} s` +
          `${signIn.failures.length ? `; failed ${signIn.failures.length}, e.g. ${signIn.failures[0]}` : ""}`,
      );
    const goals: Goal[] = [
      {
        label: signIn ? "login success (before)" : "login success",
        ours: ((signIn ? signIn.ok : logins.ok(200)) / (signIn ? USERS : created)) * 100,
        op: ">",
        goal: 95,
        show: (n) => `${n.toFixed(1)}%`,
      },
      { label: "upload success", ours: (accepted / upload.attempts) * 100, op: ">", goal: 90, show: (n) => `${n.toFixed(1)}%` },
      { label: "transcription completion", ours: (completed / accepted) * 100, op: ">", goal: 85, show: (n) => `${n.toFixed(1)}%` },
      { label: "upload time p95", ours: nan(uploadSec?.p95), op: "<", goal: 5, show: (n) => `${n.toFixed(2)} s` },
      { label: "uploads/s", ours: accepted / uploadWindow, op: ">", goal: 10, show: (n) => n.toFixed(1) },
    ];
    if (arrival.spanSec > 1) out(`  (users arrived over ${arrival.spanSec.toFixed(0)} s: uploads/s is bounded by that schedule, not only by the system)`);
    for (const g of goals) {
      const pass = g.op === ">" ? g.ours > g.goal : g.ours < g.goal;
      out(
        `  ${g.label.padEnd(25)} ${g.show(g.ours).padStart(9)}  (old goal ${g.op} ${g.show(g.goal)}, x${(g.ours / g.goal).toFixed(2)})  ${pass ? "PASS" : "FAIL"}`,
      );
    }
    out(
      `    Artillery's ensure lines (the old goals it can express): ${run.ensure.map((e) => `${e.ok ? "ok" : "fail"}: ${e.expression}`).join("; ") || "none printed"}`,
    );
    out(
      `    login: ${logins.ok(200)}/${logins.attempts} ok of ${created} users, p95 ${nan(loginSec?.p95).toFixed(2)} s, max ${nan(loginSec?.max).toFixed(2)} s` +
        `${Object.keys(logins.errors).length ? `; errors ${JSON.stringify(logins.errors)}` : ""}`,
    );
    out(
      `    upload: ${accepted}/${upload.attempts} accepted in a ${uploadWindow.toFixed(1)} s window; median ${nan(uploadSec?.median).toFixed(2)} s, max ${nan(uploadSec?.max).toFixed(2)} s` +
        `${Object.keys(upload.errors).length ? `; errors ${JSON.stringify(upload.errors)}` : ""}`,
    );
    // When the uploads were sent and answered (from the first start): a late start is the load
    // tool's (it had not sent the request yet), a late answer with an early start the system's.
    const spread = (pick: (e: { start: number; end: number }) => number) => {
      const t = run.journal.flatMap((e) => (e.kind === "accepted" ? [(pick(e) - result.firstUploadStart) / 1000] : [])).sort((a, b) => a - b);
      return [0.5, 0.9, 1].map((q) => t[Math.min(t.length - 1, Math.floor(q * t.length))]?.toFixed(1) ?? "-").join(" / ");
    };
    out(`    upload sent at (s after the first) p50 / p90 / last: ${spread((e) => e.start)}; answered at ${spread((e) => e.end)}`);
    out(
      `    completion: ${completed}/${accepted} accepted jobs completed within ${MAX_WAIT_SEC} s (${pct(completed / USERS)} of all users);` +
        ` ${run.count("load.jobs.failed")} failed, ${run.count("load.jobs.unfinished")} still running; transcripts fetched ${run.count("load.transcripts.ok")}/${run.count("load.transcripts.ok") + run.count("load.transcripts.failed")}`,
    );
    out(
      `  jobs/s end to end ${(completed / e2eWindow).toFixed(2)} (${completed} jobs from first upload to last completion, ${e2eWindow.toFixed(1)} s);` +
        ` upload->completed p50 ${nan(e2e?.median).toFixed(1)} s, p95 ${nan(e2e?.p95).toFixed(1)} s`,
    );
    const errors = Object.entries(run.counters).filter(([k]) => k.startsWith("errors."));
    if (errors.length) out(`    Artillery errors (users ended): ${errors.map(([k, v]) => `${k.slice(7)} x${v}`).join(", ")}`);

    for (const kind of ["job-not-completed", "upload-failed", "poll-failed"]) {
      const why = reasons(result.notes, kind);
      if (why.length)
        out(
          `    ${kind} x${why.reduce((a, [, n]) => a + n, 0)}:\n${why
            .slice(0, 6)
            .map(([w, n]) => `      ${n} x ${w}`)
            .join("\n")}`,
        );
    }

    // Health before the audit, so a failing audit cannot hide it.
    const samples = await scrape(`${sys.url}/metrics`, METRICS_TOKEN);
    const gateway202 = total(samples, "mp4t_http_requests_total", { method: "POST", route: "/v1/jobs", status_code: "202" });
    const gateway5xx = samples.filter((s) => s.name === "mp4t_http_requests_total" && s.labels.status_code?.startsWith("5"));
    out(
      `  5xx: ${serverErrors(run)} seen by Artillery, ${gateway5xx.reduce((a, s) => a + s.value, 0)} counted by the gateway` +
        `${gateway5xx.length ? ` (${gateway5xx.map((s) => `${s.labels.method} ${s.labels.route} ${s.labels.status_code} x${s.value}`).join(", ")})` : ""};` +
        ` failed requests ${pct((run.count("load.failed_requests") + requestErrors(run)) / run.count("http.requests"))} of ${run.count("http.requests")}; system ${sys.proc.exitCode === null ? "still running" : `exited ${sys.proc.exitCode}`}`,
    );
    out(`  system restart/warn/error log lines: ${watch.count()}`);
    for (const [key, g] of watch.top(10)) out(`    ${g.n} x ${key}\n      e.g. ${g.example}`);
    out(`  workers while the run went (every ${TIMELINE_SEC} s; per service in flight/slots, backlog):`);
    for (const line of samplesOfWorkers) out(`    ${line}`);
    out(`  workers after the run: ${describeInstances(await instances(sys), ["processed", "failed", "retried", "redelivered", "deadLettered"])}`);

    const audit = await auditJobs(sys.url, owned, PASSWORD, SETTLE_SEC);
    const checked = owned.filter((j) => !audit.unverified.has(j.email)).length;
    // A 202 the gateway counted but Artillery never received (a client timeout) is a job its user cannot know of.
    out(
      `  lost jobs ${audit.lost.length} (must be 0): ${checked - audit.lost.length} of ${checked} accepted uploads found in their owners'` +
        ` GET /v1/jobs${audit.lost.length ? ` (missing: ${audit.lost.slice(0, 10).join(" ")})` : ""}; the gateway counted ${gateway202} x 202` +
        `${gateway202 !== owned.length ? ` (${gateway202 - owned.length} more than Artillery received)` : ""}`,
    );
    if (audit.unverified.size) {
      const why = [...new Set(audit.unverified.values())].slice(0, 3).join(" | ");
      out(`    NOT VERIFIED: ${owned.length - checked} jobs of ${audit.unverified.size} owners whose login or GET /v1/jobs failed 3 times: ${why}`);
    }
    out(
      `    after the run (+${audit.settledSec.toFixed(0)} s settling): ${JSON.stringify(audit.statuses)}${Object.keys(audit.errorCodes).length ? ` errors ${JSON.stringify(audit.errorCodes)}` : ""}`,
    );
    out(`    stages: ${stageFigures(audit.jobs)}`);
  } finally {
    watch?.close();
    await sys?.stop();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
}
