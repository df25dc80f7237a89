import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { natsServerBin } from "@mp4t/runtime";
import {
  NATS_USERS,
  inboxPrefix,
  natsPasswordHash,
  renderNatsServerConfig,
  type NatsServerConfigOptions,
  type NatsTlsFiles,
  type NatsUser,
} from "@mp4t/messaging/internal";
import { connect, type ConnectionOptions, type NatsConnection } from "@nats-io/transport-node";

/** Ports this process has handed out: never handed out twice, even once their server has stopped. */
const handedOut = new Set<number>();
/** Below Linux's ephemeral range (32768-60999), where the OS picks no port for an outgoing connection or a listen(0). */
const PORT_RANGE = { from: 10_000, span: 22_000 };

const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", () => resolve(false));
    srv.listen(port, () => srv.close(() => resolve(true)));
  });

/**
 * A TCP port nothing listens on, for a server a test starts. Asking the OS (listen on port 0, then
 * close) can hand the same port to two callers in a row, or to another test file running beside
 * this one: a three-node cluster then died binding its route port to its own monitor port. So
 * ports come from a slice of 10000-31999 of its own for each vitest worker (VITEST_POOL_ID),
 * outside the OS's ephemeral range, at random, each at most once per process, checked free on
 * every address.
 */
export async function freePort(): Promise<number> {
  const slices = 8;
  const slice = Math.floor(PORT_RANGE.span / slices);
  const from = PORT_RANGE.from + (Number(process.env.VITEST_POOL_ID ?? 0) % slices) * slice;
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = from + Math.floor(Math.random() * slice);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canListen(port)) return port;
  }
  throw new Error(`freePort: no free port in ${from}-${from + slice - 1}`);
}

export type NatsCredentials = { user: NatsUser; pass: string };

export type NatsServer = {
  url: string;
  /** With `auth`: every NATS user's credentials, as the services would get them. */
  credentials?: Record<NatsUser, NatsCredentials>;
  /** With `tls`: the CA file a client needs (NATS_TLS_CA_FILE); `url` is then tls://. */
  caFile?: string;
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

/** What a client needs beyond the address: the admin's credentials and the CA, when the server asks for them. */
export type NatsClientAuth = { admin?: NatsCredentials; caFile?: string };

export const clientOptions = (c: NatsClientAuth, user?: NatsCredentials): Partial<ConnectionOptions> => ({
  ...(user ? { user: user.user, pass: user.pass } : {}),
  ...(c.caFile ? { tls: { caFile: c.caFile } } : {}),
});

export async function waitForPort(port: number, proc: ChildProcess, stderr: () => string, client: NatsClientAuth = {}) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`nats-server exited (${proc.exitCode}): ${stderr()}`);
    try {
      const nc = await connect({ servers: `127.0.0.1:${port}`, reconnect: false, timeout: 500, ...clientOptions(client, client.admin) });
      await nc.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`nats-server did not listen on ${port}: ${stderr()}`);
}

/** Fresh random passwords for every NATS user, and their bcrypt hashes (low cost: tests connect often). */
export function testCredentials() {
  const credentials = Object.fromEntries(NATS_USERS.map((u) => [u, { user: u, pass: randomBytes(18).toString("base64url") }])) as Record<
    NatsUser,
    NatsCredentials
  >;
  const passwords = Object.fromEntries(NATS_USERS.map((u) => [u, { bcrypt: natsPasswordHash(credentials[u].pass, 4) }])) as Record<
    NatsUser,
    { bcrypt: string }
  >;
  return { credentials, passwords };
}

/**
 * The permission table's server config (packages/messaging nats-permissions.ts) with fresh random
 * passwords, as `npm start` writes it; with `tls`, clients must use TLS with that certificate.
 */
async function writeAuthConfig(port: number, storeDir: string, tls?: NatsTlsFiles) {
  const { credentials, passwords } = testCredentials();
  const configFile = join(storeDir, "nats-auth.conf");
  const config: NatsServerConfigOptions = { listen: `127.0.0.1:${port}`, storeDir, passwords, ...(tls ? { tls } : {}) };
  await writeFile(configFile, renderNatsServerConfig(config), { mode: 0o600 });
  return { credentials, configFile };
}

/**
 * Starts a real nats-server with JetStream on a free port and a private store directory. With
 * `auth`, it runs the generated least-privilege config (one user per service plus admin);
 * `connect()` is then the admin's. Without, it is open (component tests that do not concern auth).
 * With `tls` (a CA and a server certificate for 127.0.0.1, e.g. from deploy/tls/make-certs.sh),
 * clients must use TLS, as every compose profile's NATS requires.
 */
export async function startNats(opts: { port?: number; storeDir?: string; auth?: boolean; tls?: NatsTlsFiles } = {}): Promise<NatsServer> {
  const port = opts.port ?? (await freePort());
  const storeDir = opts.storeDir ?? (await mkdtemp(join(tmpdir(), "mp4t-nats-")));
  const bin = natsServerBin();
  let proc: ChildProcess | undefined;
  let log = "";
  const auth = opts.auth ? await writeAuthConfig(port, storeDir, opts.tls) : undefined;
  const tlsArgs = opts.tls ? ["--tls", "--tlscert", opts.tls.certFile, "--tlskey", opts.tls.keyFile] : [];
  const args = auth ? ["-c", auth.configFile] : ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", storeDir, ...tlsArgs];
  const client: NatsClientAuth = { ...(auth ? { admin: auth.credentials.admin } : {}), ...(opts.tls ? { caFile: opts.tls.caFile } : {}) };

  const start = async () => {
    log = "";
    proc = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
    proc.stderr!.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    await waitForPort(port, proc, () => log, client);
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
  const url = `${opts.tls ? "tls" : "nats"}://127.0.0.1:${port}`;
  const connectAs = (user: NatsUser, extra: Partial<ConnectionOptions> = {}) =>
    connect({
      servers: url,
      inboxPrefix: inboxPrefix(user),
      ...clientOptions(client, auth?.credentials[user]),
      ...extra,
    });
  return {
    url,
    port,
    storeDir,
    stop,
    start,
    connectAs,
    ...(auth ? { credentials: auth.credentials } : {}),
    ...(opts.tls ? { caFile: opts.tls.caFile } : {}),
    connect: () => (auth ? connectAs("admin") : connect({ servers: url, ...clientOptions(client) })),
    async [Symbol.asyncDispose]() {
      await stop();
      if (!opts.storeDir) await rm(storeDir, { recursive: true, force: true });
    },
  };
}

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
