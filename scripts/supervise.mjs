// @ts-check
// Plain JavaScript, node builtins only: the resident supervisor (scripts/start.mjs) loads this, and
// a .ts file or a workspace package would cost it the type stripper and their modules (some 20-100 MiB).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { statfs } from "node:fs/promises";
import { getPriority, homedir, setPriority } from "node:os";
import { join } from "node:path";

/**
 * Memory settings every supervised Node process gets unless its environment already decides them
 * (docs/architecture.md, "Memory after jobs"): glibc malloc with two arenas and a fixed mmap
 * threshold of 32 KiB, so blob buffers and 64 KiB socket reads are mapped and unmapped instead of
 * carved from the brk heap (the default threshold rises to the largest freed block, 2 MiB after
 * the first blob, and the heap then fragments: 130 MiB of it kept after 100 jobs, 19 MiB with
 * this); and a V8 young generation of at most 2 x `semiSpaceMiB` (16 MiB unless the caller says;
 * by default it grows to 2 x 64 MiB under a burst of jobs and is not given back). With
 * `memoryReducer` false, `--no-memory-reducer`: V8 no longer runs its full collections to shrink
 * the heap once the process falls idle (docs/architecture.md, "Idle after a burst").
 * @param {NodeJS.ProcessEnv} env
 * @param {number} [semiSpaceMiB]
 * @param {boolean} [memoryReducer]
 * @returns {{ env: NodeJS.ProcessEnv; execArgv: string[] }}
 */
export function nodeMemoryDefaults(env, semiSpaceMiB = 16, memoryReducer = true) {
  const malloc = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "32768" };
  const unset = Object.fromEntries(Object.entries(malloc).filter(([k]) => env[k] === undefined && !env.GLIBC_TUNABLES?.includes("malloc.")));
  const execArgv = /semi-space/.test(env.NODE_OPTIONS ?? "") ? [] : [`--max-semi-space-size=${semiSpaceMiB}`];
  if (!memoryReducer) execArgv.push("--no-memory-reducer");
  return { env: { ...env, ...unset }, execArgv };
}

/**
 * Node's on-disk compile cache (V8 code cache of every module, TypeScript included) for the Node
 * processes npm start and `npm run service` run, kept beside the toolchain in $MP4T_TOOLS
 * (default ~/.cache/mp4t; Node adds a directory per version and user): a start or a restart
 * compiles only what changed since the last. It cut a system's start from 8 s to 6 s here, and
 * its processes' CPU until ready from 6.7-7.1 s to 4.2-4.3 s (docs/architecture.md, "Running").
 * NODE_COMPILE_CACHE set (a directory, or empty to turn it off) or NODE_DISABLE_COMPILE_CACHE wins.
 * The default of $MP4T_TOOLS is the one scripts/toolchain.sh and packages/runtime/src/toolchain.ts
 * use (this plain-JS file cannot import the latter).
 * @param {NodeJS.ProcessEnv} env
 * @returns {NodeJS.ProcessEnv}
 */
export function compileCacheEnv(env) {
  if (env.NODE_COMPILE_CACHE !== undefined || env.NODE_DISABLE_COMPILE_CACHE) return {};
  return { NODE_COMPILE_CACHE: join(env.MP4T_TOOLS || join(homedir(), ".cache", "mp4t"), "node-compile-cache") };
}

/**
 * The gateway's own process (separate and split layouts, `npm run service -- gateway`) keeps V8's default
 * young generation of 2 x 64 MiB: a burst of uploads and polls allocates fast, and with 16 MiB its
 * scavenges held the event loop long enough to cut accepted uploads/s by a fifth to a third in
 * the 1000-user bench (docs/architecture.md, "The 1000-user load test"). The split layout's worker
 * process gets 2 x 8 MiB: at 16 MiB it was in a cycle of full collections while jobs ran, each
 * started with its old generation at 30 of a 54 MiB limit, one every 0.8 s, 37-45 in 100 jobs
 * (10-20 at 8 MiB, and about a tenth less CPU a job, not well measured; docs/architecture.md,
 * "Twelfth pass"). A service alone in its process and the all-in-one process (whose memory goal a
 * larger one would break) stay at 16.
 * @param {string} name
 */
export const semiSpaceFor = (name) => (name === "gateway" ? 64 : name === "workers" ? 8 : 16);

/**
 * The gateway's own process and the split layout's worker process run without V8's memory
 * reducer: after a burst its full collections to shrink the heap cost the gateway 0.14-0.16 s of
 * CPU in the idle minute that follows (with the 2 x 64 MiB young generation above) to give back
 * about 35 MiB, and the worker process 0.17-0.18 s against 0.05-0.06 s without it, to give back
 * 9-25 MiB (docs/architecture.md, "Idle after a burst", "Twenty-third pass"). A service alone in
 * its process and the all-in-one process keep it: the latter's memory goal is the tighter one.
 * @param {string} name
 */
export const memoryReducerFor = (name) => name !== "gateway" && name !== "workers";

/**
 * `MP4T_WORKER_NICE` (0-19, default 0): added to the nice value of every process that does not
 * host the gateway, so that on a busy machine the gateway (uploads, reads, the page) and
 * nats-server come first. The media tools' own MEDIA_NICE is added on top of it. Anything else
 * than a whole number in range stops `npm start` with the reason.
 * @param {NodeJS.ProcessEnv} env
 */
export function workerNice(env) {
  const raw = env.MP4T_WORKER_NICE ?? "0";
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 19) throw new Error(`MP4T_WORKER_NICE must be a whole number from 0 to 19, not ${JSON.stringify(raw)}`);
  return n;
}

/** `MP4T_PROCESSES`: the process layouts of `npm start` (see `layoutProcesses`). */
export const LAYOUTS = /** @type {const} */ (["all-in-one", "separate", "split"]);

/**
 * libuv's thread pool in a process that hosts the gateway: 8 threads unless the environment says.
 * Password hashes take at most half of it (services/gateway/src/auth/password.ts), so a login
 * storm leaves uploads' file I/O four threads and logins keep four at once, as with libuv's
 * default of 4 before the cap. 1000-user test with logins on arrival, one run each: 4 threads
 * gave upload p95 0.10 s but login p95 45.7 s; 8 gave 0.34 s and 30.0 s (docs/architecture.md).
 * @param {NodeJS.ProcessEnv} shared
 */
const gatewayThreadPool = (shared) => (shared.UV_THREADPOOL_SIZE ? {} : { UV_THREADPOOL_SIZE: "8" });

/**
 * The Node processes of `npm start`'s layout (MP4T_PROCESSES, planned by scripts/prepare.ts):
 * - `separate`: one process per service, each with its own variables in its environment;
 * - `all-in-one`: every service in one process (scripts/all-in-one.ts);
 * - `split`: the gateway alone (its own event loop and core: the API answers while workers are
 *   busy) and the five workers in one process (scripts/all-in-one.ts given their names).
 * A process that hosts several services gets only the shared environment; each service's own
 * variables (NATS user and password, the gateway's secrets) go on its stdin, and only those of the
 * services it hosts.
 * @param {import("./supervise.d.mts").LayoutPlan} plan
 * @param {NodeJS.ProcessEnv} shared
 * @returns {import("./supervise.d.mts").LayoutProcess[]}
 */
export function layoutProcesses(plan, shared) {
  const nice = workerNice(shared);
  /** @param {import("./supervise.d.mts").LayoutPlan["services"][number]} s */
  const alone = (s) => ({
    name: s.name,
    entry: s.entry,
    args: [],
    env: { ...shared, ...(s.name === "gateway" ? gatewayThreadPool(shared) : {}), ...s.env },
    semiSpaceMiB: semiSpaceFor(s.name),
    memoryReducer: memoryReducerFor(s.name),
    nice: s.name === "gateway" ? 0 : nice,
  });
  /** @param {string} name @param {import("./supervise.d.mts").LayoutPlan["services"]} hosted */
  const host = (name, hosted) => ({
    name,
    entry: plan.allInOneEntry,
    args: plan.mode === "all-in-one" ? [] : hosted.map((s) => s.name),
    env: hosted.some((s) => s.name === "gateway") ? { ...shared, ...gatewayThreadPool(shared) } : shared,
    input: JSON.stringify(Object.fromEntries(hosted.map((s) => [s.name, s.env]))),
    semiSpaceMiB: semiSpaceFor(name),
    memoryReducer: memoryReducerFor(name),
    nice: hosted.some((s) => s.name === "gateway") ? 0 : nice,
  });
  if (plan.mode === "all-in-one") return [host("all-in-one", plan.services)];
  if (plan.mode === "split") {
    const workers = plan.services.filter((s) => s.name !== "gateway");
    return [...plan.services.filter((s) => s.name === "gateway").map(alone), host("workers", workers)];
  }
  return plan.services.map(alone);
}

/**
 * The restart backoff of every supervised process: the count of restarts goes back to 0 once the
 * last start ran a minute, and the wait doubles from 1 s up to 30 s.
 * @param {number} restarts restarts so far @param {number} startedAt when the process that ended started
 */
function backoff(restarts, startedAt) {
  const n = Date.now() - startedAt > 60_000 ? 0 : restarts + 1;
  return { restarts: n, delay: Math.min(30_000, 500 * 2 ** n) };
}

/**
 * SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves once it exited (at once if
 * it already has, or never started).
 * @param {import("node:child_process").ChildProcess | undefined} c @param {number} graceMs
 */
async function stopChild(c, graceMs) {
  if (!c || c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return;
  const exited = once(c, "exit");
  c.kill("SIGTERM");
  const timer = setTimeout(() => c.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Keeps one Node process running: restarts it with backoff if it dies unexpectedly (exit 78,
 * EX_CONFIG, is a configuration error: not restarted, `onFatal` instead), stops it with SIGTERM
 * (then SIGKILL after the grace period) when asked. `input` is written to its stdin at every start.
 * The process runs with `nodeMemoryDefaults` and `compileCacheEnv`.
 * @param {import("./supervise.d.mts").SuperviseOptions} o
 * @returns {import("./supervise.d.mts").Supervised}
 */
export function supervise(o) {
  /** @type {import("node:child_process").ChildProcess | undefined} */
  let child;
  let stopping = false;
  let restarts = 0;
  const mem = nodeMemoryDefaults(o.env, o.semiSpaceMiB, o.memoryReducer);
  const childEnv = { ...mem.env, ...compileCacheEnv(o.env) };
  const run = () => {
    const started = Date.now();
    const c = spawn(process.execPath, [...mem.execArgv, o.entry, ...(o.args ?? [])], {
      env: childEnv,
      stdio: [o.input === undefined ? "ignore" : "pipe", "inherit", "inherit"],
    });
    child = c;
    if (o.nice && c.pid !== undefined) {
      try {
        setPriority(c.pid, Math.min(19, getPriority(c.pid) + o.nice));
      } catch (err) {
        o.log(`${o.name}: could not lower its CPU priority (${/** @type {Error} */ (err).message}); it runs at ours`);
      }
    }
    if (o.input !== undefined) c.stdin?.end(o.input);
    c.once("exit", (code, signal) => {
      if (stopping) return;
      if (code === 78) {
        o.log(`${o.name} has an invalid configuration (see above); not restarting it`);
        o.onFatal?.(o.name);
        return;
      }
      const next = backoff(restarts, started);
      restarts = next.restarts;
      const delay = next.delay;
      o.log(`${o.name} exited (${signal ?? code}); restarting in ${delay} ms`);
      setTimeout(() => !stopping && run(), delay).unref();
    });
  };
  run();
  return {
    name: o.name,
    get pid() {
      return child?.pid;
    },
    async stop(graceMs) {
      stopping = true;
      await stopChild(child, graceMs);
    },
  };
}

/**
 * What nats-server logs when a write to its store failed for want of space: a stream's "critical
 * write error" (its store then accepts nothing more until the server restarts, even once space is
 * freed) or JetStream disabling itself ("JetStream out of File resources"). A quota (`EDQUOT`) is
 * left out: `statfs` cannot see it, so the wait for room could not tell when to restart.
 * docs/architecture.md, "A full disk".
 */
export const NATS_DISK_FULL = /no space left on device|JetStream out of \w* ?resources/i;

/**
 * The free space nats-server's store needs before a wedged server is restarted: the uploads'
 * reserve (`UPLOAD_MIN_FREE_BYTES`, 256 MiB unless set), but never more than a tenth of the disk
 * (a small disk could otherwise never recover) and never under 1 MiB.
 * @param {NodeJS.ProcessEnv} env
 * @param {number} diskBytes
 */
export function natsRestartFreeBytes(env, diskBytes) {
  const reserve = env.UPLOAD_MIN_FREE_BYTES === undefined || env.UPLOAD_MIN_FREE_BYTES === "" ? 256 * 2 ** 20 : Number(env.UPLOAD_MIN_FREE_BYTES) || 0;
  return Math.max(2 ** 20, Math.min(reserve, Math.floor(diskBytes / 10)));
}

/**
 * Keeps the embedded nats-server running (`npm start` without NATS_URL). Until `keep()` is called
 * (the supervisor's probe found it serving) an exit only settles `firstExit` with the tail of its
 * log; afterwards an unexpected exit restarts it with the same backoff as the services (its store
 * is on disk: streams, consumers and KV come back, and the clients reconnect with the same
 * credentials). When it logs that its store's disk is full (`NATS_DISK_FULL`), the store no longer
 * takes writes even after space is freed, so it is stopped and started again once the disk has
 * `natsRestartFreeBytes` free, checked every `pollMs`; an exit while the disk is still full waits
 * for the same room. Restarts after a full disk count with the others for the backoff (a disk
 * that something keeps refilling does not make it restart in a loop). `stop()` ends it (SIGTERM,
 * SIGKILL after `graceMs`) and all of this.
 * @param {{ bin: string; args: string[]; env: NodeJS.ProcessEnv; storeDir: string; log: (line: string) => void; pollMs?: number; graceMs?: number }} o
 */
export function superviseNats(o) {
  const pollMs = o.pollMs ?? 5000;
  /** @type {import("node:child_process").ChildProcess} */
  let child;
  let kept = false;
  let stopping = false;
  let restarts = 0;
  /** @type {((line: string) => void) | undefined} */
  let settleFirst;
  /** @type {Promise<string>} */
  const firstExit = new Promise((resolve) => (settleFirst = resolve));
  /** Set while the store's disk is full: the pending wait for room. */
  /** @type {Promise<void> | null} */
  let waitingForRoom = null;

  const roomFree = async () => {
    const fs = await statfs(o.storeDir);
    const need = natsRestartFreeBytes(o.env, fs.blocks * fs.bsize);
    return { free: fs.bavail * fs.bsize, need };
  };
  /** Resolves once the store's disk has room again (or the supervisor stops). */
  const untilRoom = () =>
    new Promise((resolve) => {
      const check = async () => {
        if (stopping) return resolve(undefined);
        const room = await roomFree().catch(() => null);
        if (room && room.free >= room.need) {
          o.log(`nats-server's disk has ${Math.round(room.free / 2 ** 20)} MiB free again`);
          return resolve(undefined);
        }
        setTimeout(check, pollMs).unref();
      };
      void check();
    });
  const onDiskFull = (/** @type {import("node:child_process").ChildProcess} */ c) => {
    // A server already replaced can still have log lines in its pipe: they are not this one's.
    if (c !== child || waitingForRoom || stopping) return;
    o.log(`nats-server's store (${o.storeDir}) ran out of disk space; it will be restarted once there is room`);
    waitingForRoom = untilRoom().then(() => {
      if (!stopping && c === child && c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
    });
  };

  const run = () => {
    const started = Date.now();
    let tail = "";
    let partial = ""; // a line the last read ended inside
    const c = spawn(o.bin, o.args, { env: o.env, stdio: ["ignore", "ignore", "pipe"] });
    child = c;
    c.stderr?.on("data", (/** @type {Buffer} */ d) => {
      const text = d.toString();
      tail = (tail + text).slice(-8000);
      const lines = (partial + text).split("\n");
      partial = (lines.pop() ?? "").slice(-4000);
      if (kept && lines.some((l) => NATS_DISK_FULL.test(l))) onDiskFull(c);
    });
    let ended = false;
    /** @param {string} how */
    const onEnd = async (how) => {
      if (ended || stopping) return;
      ended = true;
      if (!kept) return settleFirst?.(`nats-server ${how}:\n${tail}`);
      const next = backoff(restarts, started);
      restarts = next.restarts;
      const delay = next.delay;
      const wasFull = waitingForRoom;
      if (wasFull) {
        await wasFull;
        waitingForRoom = null;
        if (stopping) return;
        o.log(`restarting nats-server${restarts > 1 ? ` in ${delay} ms` : ""}`);
        // The first restart after a full disk goes at once; more within a minute back off.
        if (restarts <= 1) return run();
      } else {
        o.log(`nats-server ${how}; restarting in ${delay} ms:\n${tail.trim().split("\n").slice(-5).join("\n")}`);
      }
      setTimeout(() => !stopping && run(), delay).unref();
    };
    c.once("exit", (code, signal) => void onEnd(`exited (${signal ?? code})`));
    // A start that fails (the binary moved, no processes or files left) emits this, maybe with no exit.
    c.on("error", (err) => void onEnd(`could not run (${err.message})`));
  };
  run();
  return {
    firstExit,
    get pid() {
      return child.pid;
    },
    /** From now on an exit restarts it. */
    keep() {
      kept = true;
    },
    async stop() {
      stopping = true;
      await stopChild(child, o.graceMs ?? 20_000);
    },
  };
}
