import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job } from "@mp4t/contracts";
import { freePort, makeLibrivoxMp4, wordErrorRate } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, login, startSystem, type RunningSystem, untilEnded } from "./system.ts";

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

describe("npm start, MP4T_PROCESSES=all-in-one: every service in one Node process", () => {
  let sys: RunningSystem;
  let media: string;
  beforeAll(async () => {
    media = await mkdtemp(join(tmpdir(), "mp4t-aio-"));
    sys = await startSystem({ TRANSCRIBE_ENGINE: "pocketsphinx", MP4T_PROCESSES: "all-in-one" });
  }, 200_000);
  afterAll(async () => {
    const code = await sys?.stop();
    await rm(media, { recursive: true, force: true });
    expect(code).toBe(0);
  }, 60_000);

  it("runs nats-server and one service process, whose environment holds no secret", async () => {
    const children = await childrenOf(sys.proc.pid!);
    expect(children.filter((c) => /services\/[a-z]+\/src\/main\.ts/.test(c.cmd))).toEqual([]);
    const hosts = children.filter((c) => c.cmd.includes("scripts/all-in-one.ts"));
    expect(hosts).toHaveLength(1);
    expect(children.filter((c) => c.cmd.includes("nats-server"))).toHaveLength(1);
    // Each service's own NATS password and the gateway's secrets reach it on stdin, not in its environment.
    const vars = hosts[0]!.env.split("\0").map((kv) => kv.split("=")[0]);
    for (const secret of ["JWT_SECRET", "ADMIN_PASSWORD", "NATS_PASSWORD", "NATS_USER", "NATS_TRANSCRIBER_PASSWORD"]) expect(vars).not.toContain(secret);
    // The memory settings (docs/architecture.md, "Memory after jobs"): a capped young generation and
    // glibc malloc tuned for the services, a soft Go heap limit for nats-server.
    expect(hosts[0]!.cmd).toContain("--max-semi-space-size=16");
    expect(hosts[0]!.env.split("\0")).toEqual(expect.arrayContaining(["MALLOC_ARENA_MAX=2", "MALLOC_MMAP_THRESHOLD_=32768"]));
    expect(children.find((c) => c.cmd.includes("nats-server"))!.env.split("\0")).toContain("GOMEMLIMIT=128MiB");
  });

  it("completes a real job through all six services (pocketsphinx)", async () => {
    const { path, reference } = await makeLibrivoxMp4(media);
    const email = "aio@e2e.test";
    expect((await api(sys.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email, password: "correct horse" }) })).status).toBe(201);
    const token = await login(sys.url, email, "correct horse");
    const form = new FormData();
    form.append("options", JSON.stringify({ language: "en" })); // speakers labelled: the diarizer thread runs
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
  it("separate (the default): one process per service", async () => {
    const sys = await startSystem({});
    try {
      const children = await childrenOf(sys.proc.pid!);
      const services = children.flatMap((c) => /services\/([a-z]+)\/src\/main\.ts/.exec(c.cmd)?.[1] ?? []);
      expect(services.sort()).toEqual(["diarizer", "enhancer", "gateway", "ingest", "janitor", "transcriber"]);
      for (const c of children.filter((c) => /services\/[a-z]+\/src\/main\.ts/.test(c.cmd))) {
        // The gateway keeps V8's default young generation (bursts of uploads), the workers a capped one.
        expect(c.cmd).toContain(c.cmd.includes("services/gateway/") ? "--max-semi-space-size=64" : "--max-semi-space-size=16");
        expect(c.env.split("\0")).toContain("MALLOC_MMAP_THRESHOLD_=32768");
      }
      expect((await api(sys.url, "/ready")).status).toBe(200);
    } finally {
      expect(await sys.stop()).toBe(0);
    }
  }, 240_000);

  it("refuses an unknown layout with EX_CONFIG before starting anything", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "mp4t-aio-bad-"));
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
