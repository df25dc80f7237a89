import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { natsServerBin } from "@mp4t/runtime";
import { inboxPrefix, renderNatsServerConfig, type NatsTlsFiles, type NatsUser } from "@mp4t/messaging/internal";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { clientOptions, freePort, pollUntil, testCredentials, waitForPort, type NatsClientAuth, type NatsCredentials } from "./nats-server.ts";

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
  /** Starts the killed node again on the same ports and store directory; resolves once it listens. */
  restart(): Promise<void>;
};

export type NatsCluster = {
  name: string;
  nodes: NatsClusterNode[];
  /** The named nodes (default: every running one); the client fails over between them. */
  connect(nodes?: NatsClusterNode[]): Promise<NatsConnection>;
  /** With `auth`: every NATS user's credentials. */
  credentials?: Record<NatsUser, NatsCredentials>;
  /** Connects as one NATS user to the running nodes (unauthenticated without `auth`). */
  connectAs(user: NatsUser): Promise<NatsConnection>;
  /** Resolves with the JetStream meta leader once every running node agrees on one. */
  metaLeader(timeoutMs?: number): Promise<string>;
  [Symbol.asyncDispose](): Promise<void>;
};

type MetaView = { meta_cluster?: { leader?: string; cluster_size?: number } };

const alive = (p: ChildProcess) => p.exitCode === null && p.signalCode === null;
async function sigkill(p: ChildProcess): Promise<void> {
  if (!alive(p)) return;
  const exited = new Promise((r) => p.once("exit", r));
  p.kill("SIGKILL");
  await exited;
}

type Ports = { client: number; route: number; monitor: number };

/**
 * A node's arguments: open flags, or (secure) a config as deploy/nats/nats-cluster.conf is
 * rendered: the permission table's users, client TLS and mutually authenticated TLS routes.
 */
async function nodeArgs(
  p: Ports,
  storeDir: string,
  cluster: { name: string; routes: string[] },
  secure?: { tls: NatsTlsFiles; passwords: ReturnType<typeof testCredentials>["passwords"] },
) {
  if (!secure) {
    return [
      "-js",
      "-sd",
      storeDir,
      "-a",
      "127.0.0.1",
      "-p",
      String(p.client),
      "-m",
      String(p.monitor),
      "--cluster_name",
      cluster.name,
      "--cluster",
      `nats://127.0.0.1:${p.route}`,
      "--routes",
      cluster.routes.join(","),
    ];
  }
  const configFile = join(storeDir, "nats-cluster.conf");
  await writeFile(
    configFile,
    renderNatsServerConfig({
      listen: `127.0.0.1:${p.client}`,
      storeDir,
      monitorPort: p.monitor,
      passwords: secure.passwords,
      tls: secure.tls,
      cluster: { name: cluster.name, listen: `127.0.0.1:${p.route}`, routes: cluster.routes, tls: secure.tls },
    }),
    { mode: 0o600 },
  );
  return ["-c", configFile];
}

/**
 * Starts `n` real nats-servers routed into one JetStream cluster, each on free ports with its own
 * store directory, and resolves once JetStream has a meta leader and answers account info. With
 * `auth` and `tls` (both: the production cluster's config has both), each node runs the
 * least-privilege users with client TLS and mutual-TLS routes; `connect()` is then the admin's.
 */
export async function startNatsCluster(n = 3, opts: { auth?: boolean; tls?: NatsTlsFiles } = {}): Promise<NatsCluster> {
  if (Boolean(opts.auth) !== Boolean(opts.tls)) throw new Error("startNatsCluster: auth and tls go together (as in deploy/nats/nats-cluster.conf)");
  const name = `mp4t-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const ports: Ports[] = await Promise.all(
    Array.from({ length: n }, async () => ({ client: await freePort(), route: await freePort(), monitor: await freePort() })),
  );
  const routes = ports.map((p) => `nats://127.0.0.1:${p.route}`);
  const auth = opts.auth ? testCredentials() : undefined;
  const secure = auth && opts.tls ? { tls: opts.tls, passwords: auth.passwords } : undefined;
  const client: NatsClientAuth = { ...(auth ? { admin: auth.credentials.admin } : {}), ...(opts.tls ? { caFile: opts.tls.caFile } : {}) };
  const scheme = opts.tls ? "tls" : "nats";
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
      seen = await Promise.all(
        running().map(async (x) => {
          try {
            const res = await fetch(`http://127.0.0.1:${x.monitorPort}/jsz`, { signal: AbortSignal.timeout(1000) });
            const view = (await res.json()) as MetaView;
            return view.meta_cluster?.cluster_size === n ? view.meta_cluster.leader : undefined;
          } catch {
            return undefined;
          }
        }),
      );
      if (seen.length && seen[0] && seen.every((l) => l === seen[0])) return seen[0];
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no JetStream meta leader within ${timeoutMs} ms (nodes see ${JSON.stringify(seen)})`);
  };

  const connectAs = (user: NatsUser, on = running()) =>
    connect({
      servers: on.map((x) => x.url),
      inboxPrefix: inboxPrefix(user),
      ...clientOptions(client, auth?.credentials[user]),
    });
  const connectAny = (on = running()) => (auth ? connectAs("admin", on) : connect({ servers: on.map((x) => x.url), ...clientOptions(client) }));

  try {
    for (const [i, p] of ports.entries()) {
      const storeDir = await mkdtemp(join(tmpdir(), "mp4t-nats-cluster-"));
      dirs.push(storeDir);
      const serverName = `n${i + 1}`;
      const args = await nodeArgs(p, storeDir, { name, routes }, secure);
      let log = "";
      const launch = async () => {
        const proc = spawn(bin, [...args, "-n", serverName], { stdio: ["ignore", "ignore", "pipe"] });
        procs[i] = proc;
        log = "";
        proc.stderr!.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
        // Routes to peers not yet listening are retried by the server; only this node must be up.
        await waitForPort(p.client, proc, () => log, client);
      };
      nodes.push({
        name: serverName,
        url: `${scheme}://127.0.0.1:${p.client}`,
        port: p.client,
        monitorPort: p.monitor,
        storeDir,
        get running() {
          return procs[i] !== undefined && alive(procs[i]);
        },
        kill: () => sigkill(procs[i]!),
        async restart() {
          if (alive(procs[i]!)) throw new Error(`${serverName} is running`);
          await launch();
        },
      });
      await launch();
    }
    await metaLeader();
    // Every node naming a meta leader is not yet the API answering: right after the election,
    // account info can still time out on a loaded machine. Callers get a cluster that answers.
    const nc = await connectAny();
    try {
      await pollUntil(
        async () => {
          const res = (await nc.request("$JS.API.INFO", "", { timeout: 2000 })).json<{ error?: { description?: string } }>();
          if (res.error) throw new Error(res.error.description ?? "JetStream API error");
          return res;
        },
        () => true,
        "JetStream account info",
      );
    } finally {
      await nc.close();
    }
  } catch (err) {
    await dispose();
    throw err;
  }
  return {
    name,
    nodes,
    metaLeader,
    connectAs,
    ...(auth ? { credentials: auth.credentials } : {}),
    connect: connectAny,
    [Symbol.asyncDispose]: dispose,
  };
}
