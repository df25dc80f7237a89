import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job } from "@mp4t/contracts";
import { makeLibrivoxMp4 } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, login } from "../e2e/system.ts";
import { startCluster, type Cluster } from "./cluster.ts";

/**
 * Graceful shutdown: SIGTERM reaches a transcriber while it transcribes. With a grace period
 * shorter than the work, the runner aborts the engine, naks the message and the process exits 0
 * within the grace period; its supervisor starts it again and the job still completes.
 */
const GRACE_SEC = 1;

let cluster: Cluster;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mp4t-shutdown-"));
  cluster = await startCluster({
    replicas: { gateway: 1, ingest: 1, transcriber: 1, diarizer: 1, enhancer: 1, janitor: 1 },
    env: { SHUTDOWN_GRACE_SEC: String(GRACE_SEC), ACK_WAIT_SEC: "10" },
  });
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

async function poll<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not in time\n${cluster.log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("graceful shutdown of a worker mid-job", () => {
  it("naks in-flight work within the grace period, exits 0, and the job still completes", async () => {
    const { path } = await makeLibrivoxMp4(dir);
    await api(cluster.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email: "term@chaos.test", password: "sigterm password" }) });
    const token = await login(cluster.url, "term@chaos.test", "sigterm password");
    const form = new FormData();
    form.append("file", new Blob([await readFile(path)]), "librivox.mp4");
    const created = await api<Job>(cluster.url, "/v1/jobs", { method: "POST", body: form, token });
    expect(created.status, created.text).toBe(202);
    const get = async () => (await api<Job>(cluster.url, `/v1/jobs/${created.body.id}`, { token })).body;

    await poll(async () => (await get()).stages.transcribe?.status === "running", "transcription started");
    const transcriber = cluster.replicas.find((r) => r.name === "transcriber")!;
    const pid = transcriber.pid!;
    const t0 = Date.now();
    process.kill(pid, "SIGTERM");
    const exit = await poll(async () => /transcriber#0: transcriber exited \((\w+)\)/.exec(cluster.log())?.[1], "transcriber exit", 30_000);
    const exitSec = (Date.now() - t0) / 1000;
    expect(exit).toBe("0");
    // Grace period, plus the final second the runner gives aborted work to nak, plus draining NATS.
    expect(exitSec).toBeLessThan(GRACE_SEC + 4);

    const job = await poll(async () => {
      const j = await get();
      return j.status !== "queued" && j.status !== "processing" ? j : undefined;
    }, "job finished");
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    expect(transcriber.pid).not.toBe(pid); // a new process finished the work
    console.log(`[shutdown] transcriber exited 0 ${exitSec.toFixed(1)} s after SIGTERM (grace ${GRACE_SEC} s); the job completed on its restart`);
  }, 240_000);
});
