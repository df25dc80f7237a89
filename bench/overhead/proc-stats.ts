/**
 * CPU and memory of a process tree, read from /proc. CPU is each process's own user+system time
 * (fields 14-15 of /proc/<pid>/stat): children a process has reaped (ffmpeg, an engine
 * CLI) land in its cutime/cstime, which are left out, so tool and engine time is excluded.
 */
import { readFileSync, readdirSync } from "node:fs";

const TICK_SEC = 1 / 100; // USER_HZ on Linux

/**
 * `minorFaults`: pages the process touched for the first time (field 10); on a VM each costs CPU.
 * `writeCalls`: write system calls (`/proc/<pid>/io` syscw), to sockets and files alike.
 * `childCpuSec`: what the children it has reaped spent (fields 16-17), the media tools of a worker.
 */
export type ProcSample = { pid: number; name: string; cpuSec: number; childCpuSec: number; rssMiB: number; minorFaults: number; writeCalls: number };

/** Write calls and bytes a process has made so far (`/proc/<pid>/io`; 0 if it is gone or unreadable). */
export function ioOf(pid: number): { writeCalls: number; writeBytes: number } {
  try {
    const io = readFileSync(`/proc/${pid}/io`, "utf8");
    const field = (name: string) => Number(new RegExp(`${name}: (\\d+)`).exec(io)?.[1] ?? 0);
    return { writeCalls: field("syscw"), writeBytes: field("wchar") };
  } catch {
    return { writeCalls: 0, writeBytes: 0 };
  }
}

function stat(pid: number | "self"): { ppid: number; cpuSec: number; childCpuSec: number; rssMiB: number; minorFaults: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return {
      ppid: Number(f[1]),
      cpuSec: (Number(f[11]) + Number(f[12])) * TICK_SEC,
      childCpuSec: (Number(f[13]) + Number(f[14])) * TICK_SEC,
      rssMiB: rssKiB / 1024,
      minorFaults: Number(f[7]),
    };
  } catch {
    return null; // exited meanwhile
  }
}

/** A readable name: the service a node process runs, or the program. */
function nameOf(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    const svc = args.map((a) => /services\/([a-z]+)\/src\/main\.ts$/.exec(a)?.[1]).find(Boolean);
    if (svc) return svc;
    const script = args.find((a) => /\.(ts|js)$/.test(a));
    if (script) return script.split("/").slice(-2).join("/");
    return args[0]?.split("/").pop() ?? String(pid);
  } catch {
    return String(pid);
  }
}

/** Every process under `root` (itself included), sampled now. */
export function sampleTree(roots: number[]): ProcSample[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(Number(d));
    if (s) parent.set(Number(d), s.ppid);
  }
  const inTree = (pid: number) => {
    for (let p: number | undefined = pid, hops = 0; p && hops < 64; p = parent.get(p), hops++) if (roots.includes(p)) return true;
    return false;
  };
  const out: ProcSample[] = [];
  for (const pid of parent.keys()) {
    if (!inTree(pid)) continue;
    const s = stat(pid);
    if (s)
      out.push({
        pid,
        name: nameOf(pid),
        cpuSec: s.cpuSec,
        childCpuSec: s.childCpuSec,
        rssMiB: s.rssMiB,
        minorFaults: s.minorFaults,
        writeCalls: ioOf(pid).writeCalls,
      });
  }
  return out;
}

/** What each long-lived process spent of `field` between two samples, by name (tools left out). */
function between(field: "cpuSec" | "minorFaults" | "writeCalls", a: ProcSample[], b: ProcSample[], exclude: RegExp): Map<string, number> {
  const before = new Map(a.map((s) => [s.pid, s[field]]));
  const out = new Map<string, number>();
  for (const s of b) {
    if (exclude.test(s.name)) continue;
    out.set(s.name, (out.get(s.name) ?? 0) + s[field] - (before.get(s.pid) ?? 0));
  }
  return out;
}

const TOOLS = /^(ffmpeg|ffprobe|pocketsphinx.*)$/;

/** CPU seconds each long-lived process spent between two samples, by name (tools left out). */
export const cpuBetween = (a: ProcSample[], b: ProcSample[], exclude = TOOLS) => between("cpuSec", a, b, exclude);

/**
 * CPU seconds of the children each service process reaped between two samples (a worker's ffmpeg
 * runs), by name. Only processes in both samples count, and not `roots` (the launcher):
 * a process that ended meanwhile would bring its whole life's CPU into its parent's figure, so
 * `changed` says whether any did.
 */
export function childCpuBetween(a: ProcSample[], b: ProcSample[], roots: number[]): { cpu: Map<string, number>; changed: boolean } {
  const before = new Map(a.map((s) => [s.pid, s.childCpuSec]));
  const after = new Set(b.map((s) => s.pid));
  const cpu = new Map<string, number>();
  for (const s of b) {
    const was = before.get(s.pid);
    if (was === undefined || roots.includes(s.pid) || TOOLS.test(s.name)) continue;
    cpu.set(s.name, (cpu.get(s.name) ?? 0) + s.childCpuSec - was);
  }
  const longLived = (s: ProcSample) => !TOOLS.test(s.name);
  const changed = a.filter(longLived).some((s) => !after.has(s.pid)) || b.filter(longLived).some((s) => !before.has(s.pid));
  return { cpu, changed };
}

/** CPU seconds of the children this process has reaped so far. */
export const ownChildCpuSec = () => stat("self")?.childCpuSec ?? 0;

/** Minor page faults of each long-lived process between two samples, by name (tools left out). */
export const faultsBetween = (a: ProcSample[], b: ProcSample[], exclude = TOOLS) => between("minorFaults", a, b, exclude);

/** Write system calls of each long-lived process between two samples, by name (tools left out). */
export const writesBetween = (a: ProcSample[], b: ProcSample[], exclude = TOOLS) => between("writeCalls", a, b, exclude);

export const total = (m: Map<string, number>) => [...m.values()].reduce((x, y) => x + y, 0);
export const rssOf = (s: ProcSample[], exclude: RegExp = /^(ffmpeg|ffprobe)$/) => s.filter((p) => !exclude.test(p.name)).reduce((n, p) => n + p.rssMiB, 0);
