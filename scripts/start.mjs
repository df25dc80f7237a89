// @ts-check
/**
 * `npm start`: the whole system on one machine. A short-lived step (scripts/prepare.ts) writes the
 * NATS security under DATA_DIR and plans every service's environment; this supervisor then starts
 * nats-server with JetStream (unless NATS_URL points at one), the services (MP4T_PROCESSES:
 * `split`, the default, runs the gateway alone and the five workers in one process,
 * scripts/all-in-one.ts; `separate` runs one process per service; `all-in-one` runs every service
 * in one Node process: `layoutProcesses` in scripts/supervise.mjs), restarts what dies with backoff, waits for the
 * gateway to be ready and prints its URL; SIGTERM or Ctrl-C drains and stops everything it started.
 *
 * Plain JavaScript with node builtins only: this process stays resident all along, and a .ts
 * entry (Node's type stripper) or the workspace packages would cost it 20-100 MiB.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { compileCacheEnv, layoutProcesses, supervise, superviseNats } from "./supervise.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const env = process.env;
/** @param {string} line */
const log = (line) => process.stderr.write(`[mp4totext] ${line}\n`);

/** @type {{ stop(): Promise<void> } | null} */
let nats = null;
/** @type {{ stop(grace: number): Promise<void> }[]} */
let services = [];
/** @type {import("node:child_process").ChildProcess | null} */
let prep = null;
// Signals are taken from the first line: one that arrives while the step or nats-server is still
// starting stops what has been started so far instead of killing this process and orphaning them.
let stopping = false;
/** @param {string} signal @param {number} [exitCode] */
async function stop(signal, exitCode = 0) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping services`);
  if (prep && prep.exitCode === null) prep.kill();
  const grace = Number(env.SHUTDOWN_GRACE_SEC ?? 20) * 1000 + 2000;
  await Promise.all(services.map((s) => s.stop(grace)));
  await nats?.stop();
  log("stopped");
  process.exit(exitCode);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));

/** @typedef {import("./prepare.ts").Plan} Plan */
prep = spawn(process.execPath, [join(ROOT, "scripts", "prepare.ts")], { env: { ...env, ...compileCacheEnv(env) }, stdio: ["pipe", "pipe", "inherit"] });
const prepLines = createInterface({ input: /** @type {import("node:stream").Readable} */ (prep.stdout) })[Symbol.asyncIterator]();
const prepExit = once(prep, "exit").then(([code]) => /** @type {number} */ (code ?? 1));
const first = await Promise.race([prepLines.next(), prepExit]);
if (typeof first === "number" || first.done) {
  // 78: a configuration error (reported by the step), not worth a retry by whoever started us.
  process.exit((await prepExit) === 78 ? 78 : 1);
}
/** @type {Plan} */
const plan = JSON.parse(first.value);

if (plan.nats) {
  // A soft cap on the Go heap: without it nats-server keeps the high-water mark of a burst (its
  // stream block buffers) until long after. On loopback (this machine's services alone), one
  // scheduler thread: once any stream exists nats-server wakes ten times a second, and with one P
  // each wake-up involves fewer threads (docs/architecture.md, "Idle without timers"); opened to
  // other machines it keeps Go's default. Either setting in the environment wins.
  const natsEnv = { ...env, GOMEMLIMIT: env.GOMEMLIMIT ?? "128MiB", ...(env.NATS_LISTEN || env.GOMAXPROCS ? {} : { GOMAXPROCS: "1" }) };
  const server = superviseNats({ bin: plan.nats.bin, args: plan.nats.args, env: natsEnv, storeDir: plan.nats.storeDir, log });
  nats = server;
  prep.stdin?.write("probe\n");
  const ready = await Promise.race([prepLines.next().then((l) => (l.value === "ok" ? null : "nats-server was not probed")), server.firstExit]);
  if (ready) {
    log(ready);
    prep.kill();
    await server.stop();
    process.exit(1);
  }
  // Serving: from now on it is restarted if it dies, and after its disk filled once there is room.
  server.keep();
}
prep.stdin?.end();
await prepExit;

// A signal while nats-server started: stop() is draining what exists; start nothing more.
if (stopping) await new Promise(() => undefined);
const shared = Object.fromEntries(Object.entries(env).filter(([k]) => !plan.privateKeys.includes(k)));
// A service with an invalid configuration would fail the same way again: stop the whole system.
const onFatal = () => void stop("configuration error", 78);
services = layoutProcesses(plan, shared).map((p) => supervise({ ...p, log, onFatal }));

/**
 * GET /ready over a bare socket: node:http alone would add some 13 MiB to this resident process.
 * @param {number} port @returns {Promise<boolean>}
 */
const isReady = (port) =>
  new Promise((resolve) => {
    const sock = connect(port, "127.0.0.1", () => sock.write(`GET /ready HTTP/1.0\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
    let head = "";
    sock.setTimeout(2000, () => sock.destroy());
    // HTTP/1.0: the server closes the connection after its answer.
    sock.on("data", (d) => (head += d.toString("latin1")));
    sock.on("error", () => undefined);
    sock.on("close", () => resolve(/^HTTP\/1\.[01] 200 /.test(head)));
  });

const url = `http://localhost:${plan.port}`;
for (const deadline = Date.now() + 180_000; Date.now() < deadline && !stopping; ) {
  if (await isReady(plan.port)) {
    log(`ready: ${url}  (API docs ${url}/docs)`);
    for (const line of plan.banner) log(line);
    break;
  }
  await new Promise((r) => setTimeout(r, 250));
}
