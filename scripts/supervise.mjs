// @ts-check
// Plain JavaScript, node builtins only: the resident supervisor (scripts/start.mjs) loads this, and
// a .ts file or a workspace package would cost it the type stripper and their modules (some 20-100 MiB).
import { spawn } from "node:child_process";
import { once } from "node:events";

/**
 * Keeps one Node process running: restarts it with backoff if it dies unexpectedly (exit 78,
 * EX_CONFIG, is a configuration error: not restarted, `onFatal` instead), stops it with SIGTERM
 * (then SIGKILL after the grace period) when asked. `input` is written to its stdin at every start.
 * @param {import("./supervise.d.mts").SuperviseOptions} o
 * @returns {import("./supervise.d.mts").Supervised}
 */
export function supervise(o) {
  /** @type {import("node:child_process").ChildProcess | undefined} */
  let child;
  let stopping = false;
  let restarts = 0;
  const run = () => {
    const started = Date.now();
    const c = spawn(process.execPath, [o.entry], { env: o.env, stdio: [o.input === undefined ? "ignore" : "pipe", "inherit", "inherit"] });
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
