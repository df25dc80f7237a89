import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inboxPrefix, parseNatsServers } from "@mp4t/messaging/internal";
import type { Job, ServiceName } from "@mp4t/contracts";
import { freePort } from "@mp4t/testing";
import { createFileBlobStore, createNatsObjectBlobStore, type BlobStore } from "@mp4t/stores";
import { LAYOUTS, type Layout } from "../../scripts/supervise.mjs";
import { readBlobChoice } from "../../scripts/blob-migration.ts";
import { connect, type NatsConnection } from "@nats-io/transport-node";

const ROOT = join(import.meta.dirname, "..", "..");

export type RunningSystem = {
  url: string;
  natsUrl: string;
  dataDir: string;
  /** The NATS admin (operators' tools and tests: every subject) from DATA_DIR/nats-auth. */
  natsAdmin: { user: "admin"; pass: string };
  /** Connects to the system's NATS as admin. */
  connectNats(): Promise<NatsConnection>;
  /**
   * The blob store the system's services use: DATA_DIR/blobs when npm start chose the local
   * directory (its default on one machine), else the NATS Object Store (as admin).
   */
  openBlobs(): Promise<{ blobs: BlobStore; close(): Promise<void> }>;
  /** The NATS settings of one more replica of `service`, as `npm run service` finds them. */
  serviceEnv(service: ServiceName): Promise<Record<string, string>>;
  admin: { email: string; password: string };
  /**
   * `MP4T_PROCESSES`: the gateway alone and the five workers in one process (the default), one
   * process per service, or every service in one process.
   */
  processes: Layout;
  proc: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
};

export type { Layout };
/** The layout `npm start` runs when MP4T_PROCESSES is unset (scripts/prepare.ts). */
export const DEFAULT_LAYOUT: Layout = "split";
const layoutOf = (value: string | undefined): Layout => LAYOUTS.find((l) => l === value) ?? DEFAULT_LAYOUT;

/**
 * Starts the whole system exactly as `npm start` does (scripts/start.mjs), on free ports, with
 * this process's environment and `env` on top (a variable set to undefined is removed).
 */
export async function startSystem(env: Record<string, string | undefined> = {}): Promise<RunningSystem> {
  // A DATA_DIR given in `env` is the caller's (a restart on the same data): used, and kept at stop.
  const ownDataDir = !env.DATA_DIR;
  const dataDir = env.DATA_DIR ?? (await mkdtemp(join(tmpdir(), "mp4t-e2e-")));
  const [port, natsPort] = [await freePort(), await freePort()];
  const admin = { email: "admin@e2e.test", password: "e2e-admin-password" };
  const proc = spawn(process.execPath, [join(ROOT, "scripts", "start.mjs")], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      NATS_PORT: String(natsPort),
      DATA_DIR: dataDir,
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn",
      SHUTDOWN_GRACE_SEC: "5",
      // These tests follow jobs, not the password hash: at the default cost (2^17) each hash and
      // login takes 0.7 CPU-seconds, and the suite makes a few hundred. The gateway's own tests
      // check the default cost and the production profile's refusal of a lower one.
      PASSWORD_HASH_COST: "14",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000; // six processes starting on a busy shared machine can take minutes
  while (!out.includes("ready:")) {
    if (proc.exitCode !== null) throw new Error(`system exited early:\n${out}`);
    if (Date.now() > deadline) {
      proc.kill("SIGTERM"); // its supervisor stops what it started: nothing is left behind
      throw new Error(`system not ready in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Where and how local processes connect (tls:// with the generated CA when TLS is on), as npm start wrote it.
  const endpoint = JSON.parse(await readFile(join(dataDir, "nats-auth", "server.json"), "utf8")) as { url: string; caFile?: string };
  const natsUrl = endpoint.url;
  const password = async (user: string) => (await readFile(join(dataDir, "nats-auth", `${user}.password`), "utf8")).trim();
  const natsAdmin = { user: "admin" as const, pass: await password("admin") };
  const { servers, tls } = parseNatsServers(natsUrl);
  const connectNats = () =>
    connect({
      servers,
      user: natsAdmin.user,
      pass: natsAdmin.pass,
      inboxPrefix: inboxPrefix("admin"),
      ...(tls ? { tls: endpoint.caFile ? { caFile: endpoint.caFile } : {} } : {}),
    });
  return {
    url,
    natsUrl,
    dataDir,
    natsAdmin,
    admin,
    processes: layoutOf("MP4T_PROCESSES" in env ? env.MP4T_PROCESSES : process.env.MP4T_PROCESSES),
    proc,
    output: () => out,
    connectNats,
    async openBlobs() {
      const choice = readBlobChoice(dataDir);
      if (choice?.BLOB_STORE === "file") return { blobs: await createFileBlobStore({ dir: choice.BLOB_DIR! }), close: async () => {} };
      const nc = await connectNats();
      return { blobs: await createNatsObjectBlobStore(nc), close: () => nc.close() };
    },
    serviceEnv: async (service) => ({
      NATS_URL: natsUrl,
      NATS_USER: service,
      NATS_PASSWORD: await password(service),
      ...(endpoint.caFile ? { NATS_TLS_CA_FILE: endpoint.caFile } : {}),
    }),
    async stop() {
      if (proc.exitCode === null) {
        const exited = once(proc, "exit");
        proc.kill("SIGTERM");
        await exited;
      }
      if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
      return proc.exitCode;
    },
  };
}

export async function api<T = unknown>(
  base: string,
  path: string,
  init: RequestInit & { token?: string } = {},
): Promise<{ status: number; body: T; text: string; headers: Headers }> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  if (typeof init.body === "string") headers.set("content-type", "application/json");
  const res = await fetch(`${base}${path}`, { ...init, headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: body as T, text, headers: res.headers };
}

export async function login(base: string, email: string, password: string): Promise<string> {
  const r = await api<{ token: string }>(base, "/v1/auth/login", { method: "POST", body: JSON.stringify({ email, password }) });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
  return r.body.token;
}

/** Polls the job until it ends (completed, failed, canceled); every poll must answer 200. */
export async function untilEnded(sys: RunningSystem, token: string, id: string, timeoutMs = 120_000): Promise<Job> {
  const t0 = Date.now();
  for (;;) {
    const r = await api<Job>(sys.url, `/v1/jobs/${id}`, { token });
    if (r.status !== 200) throw new Error(`GET /v1/jobs/${id}: ${r.status} ${r.text}`);
    if (r.body.status !== "queued" && r.body.status !== "processing") return r.body;
    if (Date.now() - t0 > timeoutMs) throw new Error(`job ${id} still ${r.body.status} after ${timeoutMs} ms:\n${sys.output()}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}
