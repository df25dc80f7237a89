import { spawn } from "node:child_process";
import { once } from "node:events";
import { copyFile, mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { discoveryName, type Job } from "@mp4t/contracts";
import { createNatsKvJobStore } from "@mp4t/stores";
import { freePort, makeSilenceWav, startFakeOpenAi, type FakeOpenAiServer } from "@mp4t/testing";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureNatsTls } from "../../scripts/nats-secure.ts";
import { api, login, startSystem, type RunningSystem } from "../e2e/system.ts";

const ROOT = join(import.meta.dirname, "..", "..");

/** `npm run service -- <name>` as an operator runs it, with only the given environment. */
function runService(name: string, env: Record<string, string>) {
  const { PATH, HOME } = process.env;
  const proc = spawn(process.execPath, [join(ROOT, "scripts", "service.ts"), name], {
    cwd: ROOT,
    env: { PATH: PATH ?? "", HOME: HOME ?? "", LOG_LEVEL: "warn", TRANSCRIBE_ENGINE: "pocketsphinx", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  return {
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = once(proc, "exit");
      proc.kill("SIGTERM");
      await exited;
    },
  };
}

/** How many instances of a service answer a discovery ping. */
async function instances(nc: NatsConnection, service: "transcriber" | "diarizer"): Promise<number> {
  let n = 0;
  for await (const _ of await nc.requestMany(`$SRV.PING.${discoveryName(service)}`, "", { strategy: "timer", maxWait: 1000 })) n++;
  return n;
}

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The whole system as `npm start` runs it with the NATS port opened (NATS_LISTEN=0.0.0.0): TLS and
 * per-service credentials end to end, replicas joining from DATA_DIR and from a copied env file.
 */
describe("npm start with NATS opened to other machines", () => {
  let sys: RunningSystem;
  let fake: FakeOpenAiServer;
  let dir: string;
  let admin: NatsConnection;
  let passwords: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mp4t-nats-sys-"));
    fake = await startFakeOpenAi({ latencyMs: 10, transcript: "nothing gets in that does not belong" });
    sys = await startSystem({
      NATS_LISTEN: "0.0.0.0",
      NATS_PUBLIC_HOST: "localhost",
      TRANSCRIBE_ENGINE: "openai",
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: fake.apiKey,
      // Several chunks queued one at a time: the transcriber queues each next chunk on its own user.
      CHUNK_MAX_SEC: "2",
      CHUNK_MIN_TAIL_SEC: "1",
      TRANSCRIBE_WINDOW: "1",
    });
    admin = await sys.connectNats();
    const authDir = join(sys.dataDir, "nats-auth");
    passwords = Object.fromEntries(
      await Promise.all(
        (await readdir(authDir))
          .filter((f) => f.endsWith(".password"))
          .map(async (f) => [f.replace(".password", ""), (await readFile(join(authDir, f), "utf8")).trim()]),
      ),
    );
  }, 120_000);
  afterAll(async () => {
    await admin?.close();
    const code = await sys?.stop();
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
    expect(code).toBe(0);
  }, 60_000);

  it("keeps one 0600 password per NATS user and only bcrypt hashes (cost 4 for generated ones) in the server config", async () => {
    expect(Object.keys(passwords).sort()).toEqual(["admin", "diarizer", "enhancer", "gateway", "ingest", "janitor", "transcriber"]);
    const conf = await readFile(join(sys.dataDir, "nats-auth", "nats-server.conf"), "utf8");
    for (const [u, pw] of Object.entries(passwords)) {
      expect((await stat(join(sys.dataDir, "nats-auth", `${u}.password`))).mode & 0o777, u).toBe(0o600);
      expect(conf.includes(pw), u).toBe(false);
    }
    // Generated passwords (192 random bits) are hashed at bcrypt's minimum cost: see natsHashCost.
    expect(conf.match(/password: "\$2a\$04\$[./A-Za-z0-9]{53}"/g)).toHaveLength(7);
    expect(sys.natsUrl).toMatch(/^tls:\/\//);
  });

  it("refuses connections without TLS or without credentials", async () => {
    const port = Number(new URL(sys.natsUrl.replace("tls://", "http://")).port);
    await expect(connect({ servers: `127.0.0.1:${port}`, reconnect: false, timeout: 3000 })).rejects.toThrow();
    await expect(
      connect({ servers: `127.0.0.1:${port}`, reconnect: false, timeout: 3000, tls: { caFile: join(sys.dataDir, "nats-tls", "ca.pem") } }),
    ).rejects.toThrow(/authorization/i);
  });

  it("completes a job over TLS with every service on its own user, and never logs a password", async () => {
    const wav = await makeSilenceWav(join(dir, "one.wav"), 6, { channels: 1, sampleRate: 16_000 });
    const token = await login(sys.url, sys.admin.email, sys.admin.password);
    const form = new FormData();
    form.append("options", JSON.stringify({ language: "en", enhance: [] }));
    form.append("file", new Blob([await readFile(wav)], { type: "audio/wav" }), "one.wav");
    const created = await api<Job>(sys.url, "/v1/jobs", { method: "POST", body: form, token });
    expect(created.status).toBe(202);
    let job = created.body;
    await until(
      "the job to finish",
      async () => {
        job = (await api<Job>(sys.url, `/v1/jobs/${created.body.id}`, { token })).body;
        return job.status !== "queued" && job.status !== "processing";
      },
      90_000,
    );
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    // The record (the API hides chunks): several, queued a window of one at a time.
    let stored: Job | undefined;
    for await (const j of (await createNatsKvJobStore(admin, { users: false })).scanJobs()) if (j.id === job.id) stored = j;
    expect(stored?.chunks?.count, "windowed chunks").toBeGreaterThan(1);
    expect(stored?.chunks?.window).toBe(1);
    const out = sys.output();
    expect(out).not.toMatch(/permissions violation/i);
    for (const [u, pw] of Object.entries(passwords)) expect(out.includes(pw), u).toBe(false);
  });

  it("a replica on another machine joins with the copied env file and CA, and one with a wrong password exits at once", async () => {
    const elsewhere = await mkdtemp(join(dir, "other-machine-"));
    await copyFile(join(sys.dataDir, "replicas", "transcriber.env"), join(elsewhere, "transcriber.env"));
    await copyFile(join(sys.dataDir, "replicas", "ca.pem"), join(elsewhere, "ca.pem"));
    const envFile = await readFile(join(elsewhere, "transcriber.env"), "utf8");
    expect(envFile).toMatch(/^NATS_URL=tls:\/\/localhost:\d+$/m);
    expect(envFile).not.toMatch(/JWT_SECRET/);

    const bad = runService("transcriber", { MP4T_ENV_FILE: join(elsewhere, "transcriber.env"), NATS_PASSWORD: "wrong-password-wrong" });
    const [code] = await once(bad.proc, "exit");
    expect(code).toBe(78);
    expect(bad.output()).toMatch(/NATS_USER and NATS_PASSWORD/);
    expect(bad.output()).not.toContain("wrong-password-wrong");

    expect(await instances(admin, "transcriber")).toBe(1);
    const replica = runService("transcriber", {
      MP4T_ENV_FILE: join(elsewhere, "transcriber.env"),
      TRANSCRIBE_ENGINE: "openai",
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: fake.apiKey,
    });
    try {
      await until("a second transcriber", async () => (await instances(admin, "transcriber")) === 2);
    } finally {
      await replica.stop();
    }
    expect(replica.output()).not.toMatch(/permissions violation/i);
  }, 60_000);

  it("npm run service next to npm start takes its credentials from DATA_DIR", async () => {
    const replica = runService("diarizer", { DATA_DIR: sys.dataDir });
    try {
      await until("a second diarizer", async () => (await instances(admin, "diarizer")) === 2);
    } finally {
      await replica.stop();
    }
    expect(replica.output()).not.toMatch(/permissions violation/i);
  }, 60_000);

  it("a second gateway from npm run service uses DATA_DIR's token key, never a built-in one", async () => {
    const port = await freePort();
    const replica = runService("gateway", { DATA_DIR: sys.dataDir, PORT: String(port), HOST: "127.0.0.1" });
    try {
      await until("the second gateway", () =>
        fetch(`http://127.0.0.1:${port}/ready`).then(
          (r) => r.ok,
          () => false,
        ),
      );
      const token = await login(sys.url, sys.admin.email, sys.admin.password); // signed by the first gateway
      expect((await api(`http://127.0.0.1:${port}`, "/v1/jobs", { token })).status).toBe(200);
    } finally {
      await replica.stop();
    }
    expect(replica.output()).not.toMatch(/permissions violation/i);
  }, 60_000);

  it("a gateway replica without DATA_DIR or JWT_SECRET refuses to start", async () => {
    const empty = await mkdtemp(join(dir, "no-data-"));
    const replica = runService("gateway", { DATA_DIR: empty });
    const [code] = await once(replica.proc, "exit");
    expect(code).toBe(78);
    expect(replica.output()).toMatch(/JWT_SECRET/);
  });

  it("a replica that does not trust the server's certificate exits at once, naming NATS_TLS_CA_FILE", async () => {
    const foreign = ensureNatsTls(await mkdtemp(join(dir, "foreign-ca-")), ["localhost"]);
    const replica = runService("transcriber", { MP4T_ENV_FILE: join(sys.dataDir, "replicas", "transcriber.env"), NATS_TLS_CA_FILE: foreign.caFile });
    const [code] = await once(replica.proc, "exit");
    expect(code).toBe(78);
    expect(replica.output()).toMatch(/NATS_TLS_CA_FILE/);
  });
});
