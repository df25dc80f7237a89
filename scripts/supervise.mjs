// @ts-check
// Plain JavaScript, node builtins only: the resident supervisor (scripts/start.mjs) loads this, and
// a .ts file or a workspace package would cost it the type stripper and their modules (some 20-100 MiB).
import { spawn } from "node:child_process";
import { once } from "node:events";

/**
 * Memory settings every supervised Node process gets unless its environment already decides them
 * (docs/architecture.md, "Memory after jobs"): glibc malloc with two arenas and a fixed mmap
 * threshold of 32 KiB, so blob buffers and 64 KiB socket reads are mapped and unmapped instead of
 * carved from the brk heap (the default threshold rises to the largest freed block, 2 MiB after
 * the first blob, and the heap then fragments: 130 MiB of it kept after 100 jobs, 19 MiB with
 * this); and a V8 young generation of at most 2 x `semiSpaceMiB` (16 MiB unless the caller says;
 * by default it grows to 2 x 64 MiB under a burst of jobs and is not given back).
 * @param {NodeJS.ProcessEnv} env
 * @param {number} [semiSpaceMiB]
 * @returns {{ env: NodeJS.ProcessEnv; execArgv: string[] }}
 */
export function nodeMemoryDefaults(env, semiSpaceMiB = 16) {
  const malloc = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "32768" };
  const unset = Object.fromEntries(Object.entries(malloc).filter(([k]) => env[k] === undefined && !env.GLIBC_TUNABLES?.includes("malloc.")));
  const execArgv = /semi-space/.test(env.NODE_OPTIONS ?? "") ? [] : [`--max-semi-space-size=${semiSpaceMiB}`];
  return { env: { ...env, ...unset }, execArgv };
}

/**
 * The gateway's own process (separate and split layouts, `npm run service -- gateway`) keeps V8's default
 * young generation of 2 x 64 MiB: a burst of uploads and polls allocates fast, and with 16 MiB its
 * scavenges held the event loop long enough to cut accepted uploads/s by a fifth to a third in
 * the 1000-user bench (docs/architecture.md, "The 1000-user load test"). Workers, the split
 * layout's worker process and the all-in-one process (whose memory goal it would break) stay at 16.
 * @param {string} name
 */
export const semiSpaceFor = (name) => (name === "gateway" ? 64 : 16);

/** `MP4T_PROCESSES`: the process layouts of `npm start` (see `layoutProcesses`). */
export const LAYOUTS = /** @type {const} */ (["all-in-one", "separate", "split"]);

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
  /** @param {import("./supervise.d.mts").LayoutPlan["services"][number]} s */
  const alone = (s) => ({ name: s.name, entry: s.entry, args: [], env: { ...shared, ...s.env }, semiSpaceMiB: semiSpaceFor(s.name) });
  /** @param {string} name @param {import("./supervise.d.mts").LayoutPlan["services"]} hosted */
  const host = (name, hosted) => ({
    name,
    entry: plan.allInOneEntry,
    args: plan.mode === "all-in-one" ? [] : hosted.map((s) => s.name),
    env: shared,
    input: JSON.stringify(Object.fromEntries(hosted.map((s) => [s.name, s.env]))),
    semiSpaceMiB: semiSpaceFor(name),
  });
  if (plan.mode === "all-in-one") return [host("all-in-one", plan.services)];
  if (plan.mode === "split") {
    const workers = plan.services.filter((s) => s.name !== "gateway");
    return [...plan.services.filter((s) => s.name === "gateway").map(alone), host("workers", workers)];
  }
  return plan.services.map(alone);
}

/**
 * Keeps one Node process running: restarts it with backoff if it dies unexpectedly (exit 78,
 * EX_CONFIG, is a configuration error: not restarted, `onFatal` instead), stops it with SIGTERM
 * (then SIGKILL after the grace period) when asked. `input` is written to its stdin at every start.
 * The process runs with `nodeMemoryDefaults`.
 * @param {import("./supervise.d.mts").SuperviseOptions} o
 * @returns {import("./supervise.d.mts").Supervised}
 */
export function supervise(o) {
  /** @type {import("node:child_process").ChildProcess | undefined} */
  let child;
  let stopping = false;
  let restarts = 0;
  const mem = nodeMemoryDefaults(o.env, o.semiSpaceMiB);
  const run = () => {
    const started = Date.now();
    const c = spawn(process.execPath, [...mem.execArgv, o.entry, ...(o.args ?? [])], {
      env: mem.env,
      stdio: [o.input === undefined ? "ignore" : "pipe", "inherit", "inherit"],
    });
    child = c;
    if (o.input !== undefined) c.stdin?.end(o.input);
    c.once("exit", (code, signal) => {
      if (stopping) return;
      if (code === 78) {
        o.log(`${o.name} has an invalid configuration (see above); not restarting it`);
        o.onFatal?.(o.name);
        return;
      }
      restarts = Date.now() - started > 60_000 ? 0 : restarts + 1;
      const delay = Math.min(30_000, 500 * 2 ** restarts);
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
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = once(c, "exit");
      c.kill("SIGTERM");
      const timer = setTimeout(() => c.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
