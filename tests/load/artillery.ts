/**
 * Runs an Artillery scenario (tests/load/scenarios/*.yml) as a child process, `artillery run
 * --output report.json`, and reads its JSON report, its `ensure` verdicts and the processor's
 * journal back. Artillery shares the machine's CPUs with the system under test, so its own CPU is
 * measured too: its process tree's utime+stime from /proc, sampled while it runs and, once it has
 * exited and been reaped, from this process's cutime+cstime (which then include all of it).
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const SCENARIOS = join(import.meta.dirname, "scenarios");

/** The toolchain's Artillery (scripts/toolchain.sh, MP4T_TEST_TOOLS=1). */
export function artilleryBin(): string {
  const bin = join(process.env.MP4T_TOOLS ?? join(homedir(), ".cache", "mp4t"), "bin", "artillery");
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run MP4T_TEST_TOOLS=1 bash scripts/toolchain.sh`);
  return bin;
}

/** Load runs only ever target this machine: anything but a loopback http origin is refused. */
export function assertLoopback(url: string): string {
  const u = new URL(url);
  if (u.protocol !== "http:" || !/^127(\.\d{1,3}){3}$/.test(u.hostname)) throw new Error(`load runs only target http://127.0.0.1 (got ${u.origin})`);
  return u.origin;
}

/** Artillery's summary of a histogram (milliseconds for times). */
export type Summary = { min: number; max: number; count: number; mean: number; median: number; p90: number; p95: number; p99: number };
type RawReport = { aggregate: { counters: Record<string, number>; summaries: Record<string, Summary>; firstMetricAt?: number; lastMetricAt?: number } };

export type ArtilleryRun = {
  exitCode: number;
  counters: Record<string, number>;
  summaries: Record<string, Summary>;
  /** A counter, 0 when Artillery never emitted it. */
  count(name: string): number;
  /** `ensure` lines Artillery printed: `ok: <expression>` or `fail: <expression>`. */
  ensure: { ok: boolean; expression: string }[];
  /** The processor's journal (journeys.processor.ts): accepted jobs, completions, notes. */
  journal: JournalEntry[];
  /** CPU seconds of Artillery's process tree (user + system), and the run's wall time. */
  cpuSec: number;
  wallSec: number;
  /** The end of Artillery's stdout and stderr, for a failing test's message. */
  output: string;
};

export type JournalEntry =
  | { kind: "accepted"; id: string; email: string; start: number; end: number }
  | { kind: "completed"; id: string; at: number }
  | { kind: "upload-failed" | "poll-failed" | "job-not-completed"; text: string };

export type ArtilleryOptions = {
  /** A file in tests/load/scenarios, or an absolute path. */
  scenario: string;
  target: string;
  /** config.variables (no arrays: Artillery picks one element of an array per user). */
  variables: Record<string, string | number>;
  /** Deep-merged into the script; an array (phases) replaces the script's. */
  overrides?: Record<string, unknown>;
  /** Kills the run after this long. */
  timeoutMs: number;
};

const TICKS = 100; // USER_HZ on Linux
const statOf = (pid: number | "self") => {
  try {
    // Fields after the command name (which may hold spaces): state ppid ... utime(14) stime(15) cutime(16) cstime(17).
    const f = readFileSync(`/proc/${pid}/stat`, "utf8")
      .replace(/^.*\) /, "")
      .split(" ");
    return { ppid: Number(f[1]), self: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
  } catch {
    return undefined; // gone
  }
};

/** CPU ticks of `root` and its live descendants (their reaped children included). */
function treeTicks(root: number): number {
  const byParent = new Map<number, number[]>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const s = statOf(Number(d));
    if (s) byParent.set(s.ppid, [...(byParent.get(s.ppid) ?? []), Number(d)]);
  }
  let ticks = 0;
  for (const todo = [root]; todo.length; ) {
    const pid = todo.pop()!;
    const s = statOf(pid);
    if (s) ticks += s.self + s.children;
    todo.push(...(byParent.get(pid) ?? []));
  }
  return ticks;
}

export async function runArtillery(o: ArtilleryOptions): Promise<ArtilleryRun> {
  const target = assertLoopback(o.target);
  const dir = await mkdtemp(join(tmpdir(), "mp4t-artillery-"));
  try {
    const journalFile = join(dir, "journal.jsonl");
    await writeFile(journalFile, "");
    const reportFile = join(dir, "report.json");
    const args = ["run", "--target", target, "--output", reportFile, "--variables", JSON.stringify({ ...o.variables, journalFile })];
    if (o.overrides) args.push("--overrides", JSON.stringify(o.overrides));
    args.push(resolve(SCENARIOS, o.scenario));

    const reaped0 = statOf("self")!.children;
    const t0 = Date.now();
    const child = spawn(artilleryBin(), args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: "true", FORCE_COLOR: "0" },
    });
    let output = "";
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour escapes
    const keep = (d: Buffer) => (output = (output + d.toString().replace(/\x1b\[[0-9;]*m/g, "")).slice(-200_000));
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    let sampled = 0;
    const sampler = setInterval(() => (sampled = Math.max(sampled, treeTicks(child.pid!))), 1000);
    const killer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs);
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
    clearInterval(sampler);
    clearTimeout(killer);
    const wallSec = (Date.now() - t0) / 1000;
    // Once reaped, the whole tree is in our cutime+cstime (nothing else of ours exits meanwhile in
    // a load run); the samples are the floor should that not hold.
    const cpuSec = Math.max(sampled, statOf("self")!.children - reaped0) / TICKS;

    if (!existsSync(reportFile)) throw new Error(`artillery exited ${exitCode} without a report:\n${output.slice(-4000)}`);
    const raw = JSON.parse(await readFile(reportFile, "utf8")) as RawReport;
    const counters = raw.aggregate.counters;
    const ensure = [...output.matchAll(/^\s*(ok|fail): (.+)$/gm)].map((m) => ({ ok: m[1] === "ok", expression: m[2]!.replace(/ \(optional\)$/, "").trim() }));
    const journal = (await readFile(journalFile, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as JournalEntry);
    return {
      exitCode,
      counters,
      summaries: raw.aggregate.summaries,
      count: (name) => counters[name] ?? 0,
      ensure,
      journal,
      cpuSec,
      wallSec,
      output: output.slice(-6000),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Requests by name with their status codes and errors (plugin metrics-by-endpoint). */
export function endpoint(run: ArtilleryRun, name: string) {
  const prefix = `plugins.metrics-by-endpoint.${name}.`;
  let attempts = 0;
  const codes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const [k, v] of Object.entries(run.counters)) {
    if (!k.startsWith(prefix)) continue;
    attempts += v;
    const [kind, what] = [k.slice(prefix.length).split(".")[0]!, k.slice(prefix.length).split(".").slice(1).join(".")];
    (kind === "codes" ? codes : errors)[what] = v;
  }
  return { attempts, codes, errors, ok: (code: number) => codes[String(code)] ?? 0 };
}

/** Requests Artillery sent that got a 5xx, from its own `http.codes.*` counters. */
export const serverErrors = (run: ArtilleryRun) =>
  Object.entries(run.counters)
    .filter(([k]) => /^http\.codes\.5\d\d$/.test(k))
    .reduce((a, [, v]) => a + v, 0);

/** Sum of the counters whose names start with `errors.` (no answer: refused, reset, timed out, a processor error). */
export const requestErrors = (run: ArtilleryRun) =>
  Object.entries(run.counters)
    .filter(([k]) => k.startsWith("errors."))
    .reduce((a, [, v]) => a + v, 0);

/** Whole-request times of one request name, in seconds (journeys.processor.ts countResponse). */
export function seconds(run: ArtilleryRun, name: string): Summary | undefined {
  const s = run.summaries[`load.request_ms.${name}`] ?? run.summaries[name];
  if (!s) return undefined;
  const k = (n: number) => n / 1000;
  return { min: k(s.min), max: k(s.max), count: s.count, mean: k(s.mean), median: k(s.median), p90: k(s.p90), p95: k(s.p95), p99: k(s.p99) };
}
