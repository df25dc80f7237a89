/**
 * Media tools started by a small, long-lived relay process instead of by this one: the Go relay
 * (packages/runtime/relay, which starts a tool without copying its own memory), or where it is
 * not built the Perl one (spawn-relay.pl). Both speak the protocol spawn-relay.pl describes.
 *
 * libuv starts a child with fork() on Linux. A fork copies the parent's page tables and
 * write-protects every page it has: the parent then takes a page fault at its first write to each
 * (19 us a fault on the 2-core VMs measured here). For the split layout's worker process that was
 * about 1,700 faults and 55 ms of its CPU a job, for ingest's one ffmpeg run (and pocketsphinx's
 * run per chunk). The relay is a few MB, and this process only writes a line and reads the tool's
 * output. docs/architecture.md, "Fourteenth pass". Perl's own writes after each fork still fault
 * (about 113, 5 ms of its CPU a tool on those VMs); Go's start copies nothing ("Twenty-second pass").
 *
 * What the child gets is what `spawn` gave it: stdin /dev/null, stdout a pipe or a file of ours
 * (appending), stderr a pipe, optionally a file read-only as descriptor 3, nothing else (every
 * other descriptor is closed), `/` or the directory given as its working directory (entered
 * before the user changes, as libuv does), the environment given and nothing more, and, when
 * asked, another uid and gid with no supplementary groups and a higher nice value.
 * Perl is Essential in Debian (perl-base; its licence: the Artistic License or the GPL, 1 or later).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { constants } from "node:os";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { builtTool } from "./toolchain.ts";

export type RelaySpawnOptions = {
  env: Record<string, string>;
  uid?: number;
  gid?: number;
  /** Added to the child's nice value (0-19): a lower CPU priority than this process's. */
  nice?: number;
  /** The working directory, entered before the user changes; `/` if unset. */
  cwd?: string;
  /** The child's stdout: a pipe (`stdout` on the result), or a file of ours it appends to. */
  stdout?: "pipe" | { appendTo: string };
  /** A file the child gets read-only as its descriptor 3 (opened by the relay, not by the child). */
  fd3?: string;
  signal?: AbortSignal;
};

/** The part of a ChildProcess the media adapters use: `error` (with a `code`), then or instead `close` (code, signal). */
export interface RelayedChild extends EventEmitter {
  readonly stdout: PassThrough | null;
  readonly stderr: PassThrough;
}

export const SPAWN_RELAY_SCRIPT = fileURLToPath(new URL("./spawn-relay.pl", import.meta.url));

/** The Go relay's program name (packages/runtime/relay, built by scripts/toolchain.sh and the image). */
export const SPAWN_RELAY_BIN = "mp4t-spawn-relay";

/**
 * The relay to start: MP4T_SPAWN_RELAY (`perl` for the Perl relay, else the Go relay's path), else
 * the Go relay scripts/toolchain.sh built into $MP4T_TOOLS/bin, else the Perl relay. Both speak the
 * same protocol; the Go one costs less than half the CPU a tool alone, about 1-1.5 ms a job less
 * in the system (docs/architecture.md, "Twenty-second pass"); the Perl one needs nothing built.
 */
export function spawnRelayCommand(env: NodeJS.ProcessEnv = process.env): readonly string[] {
  const chosen = env.MP4T_SPAWN_RELAY;
  if (chosen === "perl") return ["perl", SPAWN_RELAY_SCRIPT];
  if (chosen) return [chosen];
  const built = builtTool(SPAWN_RELAY_BIN, env);
  return built ? [built] : ["perl", SPAWN_RELAY_SCRIPT];
}

// Number to name, the first name of a number kept (EAGAIN, not its alias EWOULDBLOCK).
const errnoName = new Map<number, string>();
for (const [name, n] of Object.entries(constants.errno)) if (!errnoName.has(n)) errnoName.set(n, name);
const signalName = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

const hex = (s: string) => (s === "" ? "-" : Buffer.from(s, "utf8").toString("hex"));

/** `aborted`: the abort's error, given once the relay reports the tool gone (or after ABORT_WAIT_MS). */
type Pending = { child: Child; aborted?: Error };

/**
 * How long an aborted tool's error waits for the relay to report it reaped. Node's own spawn kills
 * before it reports the abort, so a caller may take the error to mean that the tool writes no more;
 * this keeps that true unless the relay is stalled for this long.
 */
const ABORT_WAIT_MS = 5000;

class Child extends EventEmitter implements RelayedChild {
  readonly stdout: PassThrough | null;
  readonly stderr = new PassThrough();
  done = false;
  constructor(pipeStdout: boolean) {
    super();
    this.stdout = pipeStdout ? new PassThrough() : null;
  }
  end(event: "error", err: Error): void;
  end(event: "close", code: number | null, signal: NodeJS.Signals | null): void;
  end(event: "error" | "close", ...args: unknown[]): void {
    if (this.done) return;
    this.done = true;
    this.stdout?.end();
    this.stderr.end();
    this.emit(event, ...args);
  }
}

/** One relay process; started at the first spawn, and again after it ended. */
class Relay {
  private proc: ChildProcess | undefined;
  private readonly command: readonly string[];
  constructor(command: readonly string[]) {
    this.command = command;
  }
  private readonly inFlight = new Map<number, Pending>();
  private nextId = 1;

  spawn(argv: string[], o: RelaySpawnOptions): RelayedChild {
    const child = new Child(o.stdout === undefined || o.stdout === "pipe");
    if (o.signal?.aborted) {
      process.nextTick(() => child.end("error", abortError(o.signal!)));
      return child;
    }
    const invalid = invalidField(argv, o);
    if (invalid) {
      // What Node's own spawn refuses (a NUL cannot be passed to exec), refused here before the relay sees it.
      process.nextTick(() => child.end("error", Object.assign(new Error(`spawn EINVAL: ${invalid}`), { code: "EINVAL", syscall: "spawn" })));
      return child;
    }
    const proc = this.started();
    const id = this.nextId++;
    const pending: Pending = { child };
    this.inFlight.set(id, pending);
    this.ref();
    const env = Object.entries(o.env)
      .map(([k, v]) => `${k}=${v}`)
      .join("\0");
    const out = typeof o.stdout === "object" ? o.stdout.appendTo : "";
    const fields = [o.cwd ?? "", out, o.fd3 ?? "", env, ...argv].map(hex);
    proc.stdin?.write(`s ${id} ${o.uid ?? -1} ${o.gid ?? -1} ${o.nice ?? 0} ${fields.join(" ")}\n`);
    if (o.signal) {
      const signal = o.signal;
      const onAbort = () => {
        if (child.done) return;
        pending.aborted = abortError(signal);
        this.proc?.stdin?.write(`k ${id}\n`);
        setTimeout(() => child.end("error", pending.aborted!), ABORT_WAIT_MS).unref();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      child.once("close", () => signal.removeEventListener("abort", onAbort));
      child.once("error", () => signal.removeEventListener("abort", onAbort));
    }
    return child;
  }

  private started(): ChildProcess {
    if (this.proc) return this.proc;
    const [file, ...args] = this.command;
    const proc = spawn(file!, args, {
      stdio: ["pipe", "pipe", "inherit"],
      env: { PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin", LC_ALL: "C" },
      cwd: "/",
    });
    this.proc = proc;
    // This relay's replies only: a relay that ended may still have output in flight, and its
    // half-read reply must not be read as the start of the next relay's.
    const reader = { buf: Buffer.alloc(0) };
    const gone = (err: Error) => {
      if (this.proc !== proc) return;
      this.proc = undefined;
      for (const [id, p] of this.inFlight) {
        this.inFlight.delete(id);
        // An aborted tool dies with the relay (PR_SET_PDEATHSIG): the abort is what its caller asked about.
        p.child.end("error", p.aborted ?? Object.assign(new Error(`the spawn relay ended: ${err.message}`), { code: "ERELAY" }));
      }
    };
    proc.on("error", (err) => gone(err));
    // `close`, not `exit`: the replies a relay wrote before it ended are read first.
    proc.on("close", (code, signal) => gone(new Error(`exit ${code ?? signal}`)));
    // No stdio when the relay could not start for want of descriptors (EMFILE): its `error` ends what is in flight.
    proc.stdin?.on("error", () => undefined); // a relay that died: its close says so
    proc.stdout?.on("data", (d: Buffer) => {
      if (this.proc === proc && !this.read(reader, d)) proc.kill("SIGKILL"); // a reply we cannot read: start afresh
    });
    return proc;
  }

  /** The relay keeps this process alive only while a tool runs. */
  private ref() {
    const p = this.proc;
    if (!p) return;
    const on = this.inFlight.size > 0;
    for (const h of [p, p.stdin, p.stdout] as ({ ref(): void; unref(): void } | null)[]) on ? h?.ref() : h?.unref();
  }

  /** Reads the replies in `d`; false if one cannot be read (the relay is then replaced). */
  private read(r: { buf: Buffer }, d: Buffer): boolean {
    r.buf = r.buf.length ? Buffer.concat([r.buf, d]) : d;
    for (;;) {
      const nl = r.buf.indexOf(10);
      if (nl < 0) return r.buf.length < 256; // a header is a few dozen bytes
      const [idText, kind, a, b] = r.buf.subarray(0, nl).toString("latin1").split(" ");
      const id = Number(idText);
      const pending = this.inFlight.get(id);
      const child = pending?.child;
      if (kind === "o" || kind === "e") {
        const len = Number(a);
        if (!Number.isSafeInteger(len) || len < 0) return false;
        if (r.buf.length < nl + 1 + len) return true;
        const data = r.buf.subarray(nl + 1, nl + 1 + len);
        r.buf = r.buf.subarray(nl + 1 + len);
        if (child && !child.done) (kind === "o" ? child.stdout : child.stderr)?.write(Buffer.from(data));
        continue;
      }
      r.buf = r.buf.subarray(nl + 1);
      if (kind === "x" || kind === "f") {
        this.inFlight.delete(id);
        this.ref();
        if (!child) continue;
        if (pending?.aborted)
          child.end("error", pending.aborted); // reaped: now the abort is told
        else if (kind === "x") child.end("close", Number(a) < 0 ? null : Number(a), Number(b) ? (signalName.get(Number(b)) ?? null) : null);
        else {
          const code = errnoName.get(Number(a)) ?? "EIO";
          child.end("error", Object.assign(new Error(`spawn ${code}`), { code, errno: -Number(a), syscall: "spawn" }));
        }
      }
    }
  }
}

/** What in the request cannot be passed to exec: a NUL anywhere, or an environment name that is empty or holds `=`. */
function invalidField(argv: string[], o: RelaySpawnOptions): string | undefined {
  if (argv.length === 0) return "no program";
  if (o.nice !== undefined && !(Number.isInteger(o.nice) && o.nice >= 0 && o.nice <= 19)) return `nice ${o.nice} (0-19)`;
  const paths = [o.cwd, typeof o.stdout === "object" ? o.stdout.appendTo : undefined, o.fd3];
  if ([...argv, ...paths].some((s) => s?.includes("\0"))) return "a NUL in an argument or a path";
  for (const [k, v] of Object.entries(o.env))
    if (k === "" || k.includes("=") || k.includes("\0") || v.includes("\0")) return `the environment variable ${JSON.stringify(k)}`;
  return undefined;
}

const abortError = (signal: AbortSignal) =>
  Object.assign(new Error("The operation was aborted", { cause: signal.reason }), { name: "AbortError", code: "ABORT_ERR" });

let relay: Relay | undefined;

/** A relay of its own, started from `command` (spawnRelayCommand's form) at its first spawn: for tests of each relay. */
export function newSpawnRelay(command: readonly string[]): { spawn(argv: string[], o: RelaySpawnOptions): RelayedChild } {
  const r = new Relay(command);
  return { spawn: (argv, o) => r.spawn(argv, o) };
}

/**
 * Starts `argv` (looked up in `env.PATH`) through this process's spawn relay. The result emits
 * `error` (spawn failed: `code` an errno name, or `ERELAY` when the relay itself ended; an
 * abort: `AbortError`) or `close` (exit code, or null and the signal's name).
 */
export function relaySpawn(argv: string[], o: RelaySpawnOptions): RelayedChild {
  relay ??= new Relay(spawnRelayCommand());
  return relay.spawn(argv, o);
}
