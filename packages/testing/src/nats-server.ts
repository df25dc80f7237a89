import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NATS_USERS, inboxPrefix, natsPasswordHash, natsServerBin, renderNatsServerConfig, type NatsUser } from "@mp4t/platform";
import { connect, type ConnectionOptions, type NatsConnection } from "@nats-io/transport-node";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export type NatsCredentials = { user: NatsUser; pass: string };

export type NatsServer = {
  url: string;
  /** With `auth`: every NATS user's credentials, as the services would get them. */
  credentials?: Record<NatsUser, NatsCredentials>;
  /** Connects as one NATS user (with its own inbox prefix); without `auth`, unauthenticated. */
  connectAs(user: NatsUser, opts?: Partial<ConnectionOptions>): Promise<NatsConnection>;
  port: number;
  storeDir: string;
  /** Stops the server, keeping its JetStream data. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data (for restart tests). */
  start(): Promise<void>;
  connect(): Promise<NatsConnection>;
  [Symbol.asyncDispose](): Promise<void>;
};

async function waitForPort(port: number, proc: ChildProcess, stderr: () => string, auth?: NatsCredentials) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`nats-server exited (${proc.exitCode}): ${stderr()}`);
    try {
      const nc = await connect({ servers: `127.0.0.1:${port}`, reconnect: false, timeout: 500, ...(auth ? { user: auth.user, pass: auth.pass } : {}) });
      await nc.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`nats-server did not listen on ${port}: ${stderr()}`);
}

/**
 * The permission table's server config (packages/platform nats-permissions.ts) with fresh random
 * passwords, as `npm start` writes it (bcrypt at a low cost: tests connect often).
 */
async function writeAuthConfig(port: number, storeDir: string) {
  const credentials = Object.fromEntries(NATS_USERS.map((u) => [u, { user: u, pass: randomBytes(18).toString("base64url") }])) as Record<NatsUser, NatsCredentials>;
  const configFile = join(storeDir, "nats-auth.conf");
  await writeFile(configFile, renderNatsServerConfig({
    listen: `127.0.0.1:${port}`, storeDir,
    passwords: Object.fromEntries(NATS_USERS.map((u) => [u, { bcrypt: natsPasswordHash(credentials[u].pass, 4) }])) as Record<NatsUser, { bcrypt: string }>,
  }), { mode: 0o600 });
  return { credentials, configFile };
}

/**
 * Starts a real nats-server with JetStream on a free port and a private store directory. With
 * `auth`, it runs the generated least-privilege config (one user per service plus admin);
 * `connect()` is then the admin's. Without, it is open (component tests that do not concern auth).
 */
export async function startNats(opts: { port?: number; storeDir?: string; auth?: boolean } = {}): Promise<NatsServer> {
  const port = opts.port ?? (await freePort());
  const storeDir = opts.storeDir ?? (await mkdtemp(join(tmpdir(), "mp4t-nats-")));
  const bin = natsServerBin();
  let proc: ChildProcess | undefined;
  let log = "";
  const auth = opts.auth ? await writeAuthConfig(port, storeDir) : undefined;
  const args = auth ? ["-c", auth.configFile] : ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", storeDir];

  const start = async () => {
    log = "";
    proc = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
    proc.stderr!.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    await waitForPort(port, proc, () => log, auth?.credentials.admin);
  };
  const stop = async () => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (p.exitCode === null) p.kill("SIGKILL");
  };
  await start();
  const url = `nats://127.0.0.1:${port}`;
  const connectAs = (user: NatsUser, extra: Partial<ConnectionOptions> = {}) => connect({
    servers: url, inboxPrefix: inboxPrefix(user),
    ...(auth ? { user, pass: auth.credentials[user].pass } : {}), ...extra,
  });
  return {
    url, port, storeDir, stop, start, connectAs,
    ...(auth ? { credentials: auth.credentials } : {}),
    connect: () => (auth ? connectAs("admin") : connect({ servers: url })),
    async [Symbol.asyncDispose]() {
      await stop();
      if (!opts.storeDir) await rm(storeDir, { recursive: true, force: true });
    },
  };
}

export type NatsClusterNode = {
  /** Server name, as JetStream reports it in `cluster.leader` and `cluster.replicas`. */
  name: string;
  url: string;
  port: number;
  /** HTTP monitoring port (`/jsz`, `/healthz`). */
  monitorPort: number;
  storeDir: string;
  readonly running: boolean;
  /** SIGKILL, as a crashed machine: no clean leader hand-off. Its data stays until dispose. */
  kill(): Promise<void>;
};

export type NatsCluster = {
  name: string;
  nodes: NatsClusterNode[];
  /** The named nodes (default: every running one); the client fails over between them. */
  connect(nodes?: NatsClusterNode[]): Promise<NatsConnection>;
  /** Resolves with the JetStream meta leader once every running node agrees on one. */
  metaLeader(timeoutMs?: number): Promise<string>;
  [Symbol.asyncDispose](): Promise<void>;
};

/**
 * Reads until `ok` holds, retrying errors: while a cluster elects a stream or consumer leader,
 * JetStream answers 503 or not at all. Throws with the last answer after `timeoutMs`.
 */
export async function pollUntil<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await read();
      if (ok(v)) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no ${what} within ${timeoutMs} ms; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}

type MetaView = { meta_cluster?: { leader?: string; cluster_size?: number } };

const alive = (p: ChildProcess) => p.exitCode === null && p.signalCode === null;
async function sigkill(p: ChildProcess): Promise<void> {
  if (!alive(p)) return;
  const exited = new Promise((r) => p.once("exit", r));
  p.kill("SIGKILL");
  await exited;
}

/**
 * Starts `n` real nats-servers routed into one JetStream cluster, each on free ports with its own
 * store directory, and resolves once JetStream has a meta leader (streams can be created).
 */
export async function startNatsCluster(n = 3): Promise<NatsCluster> {
  const name = `mp4t-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const ports = await Promise.all(Array.from({ length: n }, async () => ({ client: await freePort(), route: await freePort(), monitor: await freePort() })));
  const routes = ports.map((p) => `nats://127.0.0.1:${p.route}`).join(",");
  const bin = natsServerBin();
  const procs: ChildProcess[] = [];
  const dirs: string[] = [];
  const nodes: NatsClusterNode[] = [];
  const dispose = async () => {
    await Promise.all(procs.map(sigkill));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  };
  const running = () => nodes.filter((x) => x.running);

  const metaLeader = async (timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    let seen: (string | undefined)[] = [];
    while (Date.now() < deadline) {
      seen = await Promise.all(running().map(async (x) => {
        try {
          const res = await fetch(`http://127.0.0.1:${x.monitorPort}/jsz`, { signal: AbortSignal.timeout(1000) });
          const view = (await res.json()) as MetaView;
          return view.meta_cluster?.cluster_size === n ? view.meta_cluster.leader : undefined;
        } catch {
          return undefined;
        }
      }));
      if (seen.length && seen[0] && seen.every((l) => l === seen[0])) return seen[0];
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no JetStream meta leader within ${timeoutMs} ms (nodes see ${JSON.stringify(seen)})`);
  };

  try {
    for (const [i, p] of ports.entries()) {
      const storeDir = await mkdtemp(join(tmpdir(), "mp4t-nats-cluster-"));
      dirs.push(storeDir);
      const serverName = `n${i + 1}`;
      const proc = spawn(bin, [
        "-js", "-sd", storeDir, "-n", serverName, "-a", "127.0.0.1", "-p", String(p.client), "-m", String(p.monitor),
        "--cluster_name", name, "--cluster", `nats://127.0.0.1:${p.route}`, "--routes", routes,
      ], { stdio: ["ignore", "ignore", "pipe"] });
      procs.push(proc);
      let log = "";
      proc.stderr!.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
      nodes.push({
        name: serverName, url: `nats://127.0.0.1:${p.client}`, port: p.client, monitorPort: p.monitor, storeDir,
        get running() { return alive(proc); },
        kill: () => sigkill(proc),
      });
      // Routes to peers not yet listening are retried by the server; only this node must be up.
      await waitForPort(p.client, proc, () => log);
    }
    await metaLeader();
  } catch (err) {
    await dispose();
    throw err;
  }
  return {
    name, nodes, metaLeader,
    connect: (on = running()) => connect({ servers: on.map((x) => x.url) }),
    [Symbol.asyncDispose]: dispose,
  };
}
