import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job } from "@mp4t/contracts";
import { freePort, makeLibrivoxMp4, wordErrorRate } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, DEFAULT_LAYOUT, type Layout, login, startSystem, type RunningSystem, untilEnded } from "./system.ts";

const ROOT = join(import.meta.dirname, "..", "..");

/** The processes `npm start` keeps running under its supervisor: command line and environment of each. */
async function childrenOf(pid: number): Promise<{ pid: number; cmd: string; env: string }[]> {
  const out = [];
  for (const d of await readdir("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = await readFile(`/proc/${d}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) !== pid) continue;
      const cmd = (await readFile(`/proc/${d}/cmdline`, "utf8")).split("\0").join(" ");
      out.push({ pid: Number(d), cmd, env: await readFile(`/proc/${d}/environ`, "utf8") });
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

type Child = Awaited<ReturnType<typeof childrenOf>>[number];
const WORKERS = ["ingest", "transcriber", "diarizer", "enhancer", "janitor"];
const serviceOf = (c: Child) => /services\/([a-z]+)\/src\/main\.ts/.exec(c.cmd)?.[1];
const vars = (c: Child) => c.env.split("\0").map((kv) => kv.split("=")[0]);

/** A process hosting several services (scripts/all-in-one.ts): their own variables reach it on stdin, not in its environment. */
function expectHost(host: Child, services: string[]) {
  expect(host.cmd.trim().endsWith(services.length === 6 ? "scripts/all-in-one.ts" : `scripts/all-in-one.ts ${services.join(" ")}`), host.cmd).toBe(true);
  for (const secret of ["JWT_SECRET", "ADMIN_PASSWORD", "NATS_PASSWORD", "NATS_USER", "NATS_TRANSCRIBER_PASSWORD"]) expect(vars(host)).not.toContain(secret);
  // The memory settings (docs/architecture.md, "Memory after jobs"): a capped young generation (2 x 8 MiB for the split
  // layout's worker process, "Twelfth pass"), V8's memory reducer off in that one ("Twenty-third pass"), and glibc malloc tuned.
  expect(host.cmd).toContain(services.length === 6 ? "--max-semi-space-size=16" : "--max-semi-space-size=8");
  if (services.length === 6) expect(host.cmd).not.toContain("--no-memory-reducer");
  else expect(host.cmd).toContain("--no-memory-reducer");
  expect(host.env.split("\0")).toEqual(expect.arrayContaining(["MALLOC_ARENA_MAX=2", "MALLOC_MMAP_THRESHOLD_=32768"]));
}

/** A service alone in its process: its own variables in its environment; the gateway keeps V8's default young generation (bursts of uploads) and runs without the memory reducer, workers a capped one. */
function expectAlone(c: Child) {
  expect(c.cmd).toContain(serviceOf(c) === "gateway" ? "--max-semi-space-size=64" : "--max-semi-space-size=16");
  // The gateway without V8's memory reducer (its idle minute after a burst), the workers with it.
  if (serviceOf(c) === "gateway") expect(c.cmd).toContain("--no-memory-reducer");
  else expect(c.cmd).not.toContain("--no-memory-reducer");
  expect(c.env.split("\0")).toEqual(expect.arrayContaining([`NATS_USER=${serviceOf(c)}`, "MALLOC_MMAP_THRESHOLD_=32768"]));
}

/** What `npm start` runs under its supervisor in each layout, beside one nats-server with a soft Go heap limit. */
const expectLayout: Record<Layout, (children: Child[]) => void> = {
  separate: (children) => {
    const alone = children.filter(serviceOf);
    expect(alone.map(serviceOf).sort()).toEqual(["gateway", ...WORKERS].sort());
    for (const c of alone) expectAlone(c);
    expect(children.filter((c) => c.cmd.includes("scripts/all-in-one.ts"))).toEqual([]);
  },
  "all-in-one": (children) => {
    expect(children.filter(serviceOf)).toEqual([]);
    const hosts = children.filter((c) => c.cmd.includes("scripts/all-in-one.ts"));
    expect(hosts).toHaveLength(1);
    expectHost(hosts[0]!, ["gateway", ...WORKERS]);
  },
  split: (children) => {
    const alone = children.filter(serviceOf);
    expect(alone.map(serviceOf)).toEqual(["gateway"]);
    expectAlone(alone[0]!);
    const hosts = children.filter((c) => c.cmd.includes("scripts/all-in-one.ts"));
    expect(hosts).toHaveLength(1);
    expectHost(hosts[0]!, WORKERS);
  },
};

function expectNats(children: Child[]) {
  const nats = children.filter((c) => c.cmd.includes("nats-server"));
  expect(nats).toHaveLength(1);
  expect(nats[0]!.env.split("\0")).toContain("GOMEMLIMIT=128MiB");
  expect(nats[0]!.env.split("\0")).toContain("GOMAXPROCS=1");
}

describe.each([
  { layout: "all-in-one", what: "every service in one Node process" },
  { layout: "separate", what: "one Node process per service" },
] as const)("npm start, MP4T_PROCESSES=$layout: $what", ({ layout }) => {
  let sys: RunningSystem;
  let media: string;
  beforeAll(async () => {
    media = await mkdtemp(join(tmpdir(), `mp4t-${layout}-`));
    sys = await startSystem({ TRANSCRIBE_ENGINE: "pocketsphinx", MP4T_PROCESSES: layout });
  }, 200_000);
  afterAll(async () => {
    const code = await sys?.stop();
    await rm(media, { recursive: true, force: true });
    expect(code).toBe(0);
  }, 60_000);

  it("runs nats-server and the layout's service processes, whose environments hold only their own secrets", async () => {
    expect(sys.processes).toBe(layout);
    const children = await childrenOf(sys.proc.pid!);
    expectLayout[layout](children);
    expectNats(children);
  });

  it("completes a real job through all six services (pocketsphinx)", async () => {
    const { path, reference } = await makeLibrivoxMp4(media, { clips: 2 }); // every layout runs a real job; two clips are enough
    const email = `${layout}@e2e.test`;
    expect((await api(sys.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email, password: "correct horse" }) })).status).toBe(201);
    const token = await login(sys.url, email, "correct horse");
    const form = new FormData();
    form.append("options", JSON.stringify({ language: "en" })); // speakers labelled: the diarizer runs (on its thread in all-in-one)
    form.append("file", new Blob([await readFile(path)], { type: "video/mp4" }), "librivox.mp4");
    const created = await api<Job>(sys.url, "/v1/jobs", { method: "POST", body: form, token });
    expect(created.status).toBe(202);
    const job = await untilEnded(sys, token, created.body.id, 240_000);
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    const txt = await api(sys.url, `/v1/jobs/${job.id}/transcript?format=txt`, { token });
    expect(txt.status).toBe(200);
    expect(wordErrorRate(reference, txt.text)).toBeLessThanOrEqual(0.4);
  }, 300_000);
});

describe("npm start, MP4T_PROCESSES", () => {
  it(`unset: the default layout, ${DEFAULT_LAYOUT}`, async () => {
    const sys = await startSystem({ MP4T_PROCESSES: undefined });
    try {
      expect(sys.processes).toBe(DEFAULT_LAYOUT);
      const children = await childrenOf(sys.proc.pid!);
      expectLayout[DEFAULT_LAYOUT](children);
      expectNats(children);
      expect((await api(sys.url, "/ready")).status).toBe(200);
      // NATS on loopback only: every service keeps its blobs in DATA_DIR/blobs (scripts/prepare.ts).
      const blobVars = [`BLOB_STORE=file`, `BLOB_DIR=${join(sys.dataDir, "blobs")}`];
      for (const c of children.filter(serviceOf)) expect(c.env.split("\0"), serviceOf(c)).toEqual(expect.arrayContaining(blobVars));
      // A replica added on this machine with `npm run service` takes the same store from DATA_DIR.
      const replica = spawn(process.execPath, [join(ROOT, "scripts", "service.ts"), "diarizer"], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATA_DIR: sys.dataDir, LOG_LEVEL: "info" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let log = "";
      replica.stdout!.on("data", (d: Buffer) => (log += d.toString()));
      replica.stderr!.on("data", (d: Buffer) => (log += d.toString()));
      const deadline = Date.now() + 60_000;
      while (!log.includes("diarizer started") && replica.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const exited = once(replica, "exit");
      replica.kill("SIGTERM");
      await exited;
      const started = log.split("\n").find((l) => l.includes("diarizer started"));
      expect(started, log).toBeDefined();
      expect(JSON.parse(started!)).toMatchObject({ blobStore: "file", blobDir: join(sys.dataDir, "blobs") });

      // nats-server dies: npm start starts it again on the same store and the services reconnect
      // (the admin, stored in the KV bucket before, signs in through the gateway again).
      const natsPid = children.find((c) => c.cmd.includes("nats-server"))!.pid;
      process.kill(natsPid, "SIGKILL");
      // /ready (not rate limited, unlike sign-in) answers 200 again once the gateway reaches NATS.
      const back = Date.now() + 60_000;
      let ready = false;
      while (!ready && Date.now() < back) {
        const again = (await childrenOf(sys.proc.pid!)).filter((c) => c.cmd.includes("nats-server"));
        ready = again.length === 1 && again[0]!.pid !== natsPid && (await api(sys.url, "/ready").catch(() => ({ status: 0 }))).status === 200;
        if (!ready) await new Promise((r) => setTimeout(r, 250));
      }
      expect(ready, sys.output().slice(-2000)).toBe(true);
      let token = "";
      for (let i = 0; i < 5 && !token; i++) {
        token = await login(sys.url, sys.admin.email, sys.admin.password).catch(() => "");
        if (!token) await new Promise((r) => setTimeout(r, 2000));
      }
      expect(token, sys.output().slice(-2000)).not.toBe("");
      expect(sys.output()).toMatch(/nats-server exited \(SIGKILL\); restarting in \d+ ms/);
    } finally {
      expect(await sys.stop()).toBe(0);
    }
  }, 240_000);

  it("refuses an unknown layout with EX_CONFIG before starting anything", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "mp4t-layout-bad-"));
    try {
      const proc = spawn(process.execPath, [join(ROOT, "scripts", "start.mjs")], {
        cwd: ROOT,
        env: { ...process.env, MP4T_PROCESSES: "threads", DATA_DIR: dataDir, NATS_PORT: String(await freePort()) },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let err = "";
      proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      const [code] = (await once(proc, "exit")) as [number];
      expect(code).toBe(78);
      expect(err).toContain("MP4T_PROCESSES");
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
