import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STAGE_LANES, Streams, Subjects, type Job } from "@mp4t/contracts";
import { createNatsKvJobStore, type JobStore } from "@mp4t/stores";
import { makeLibrivoxMp4 } from "@mp4t/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, login } from "../e2e/system.ts";
import { startCluster, type Cluster } from "./cluster.ts";

/**
 * A transcriber SIGKILLed mid-chunk whose work message is then lost: the janitor's reaper resumes
 * the transcribe stage from the chunk plan ingest persisted on the job, re-sending only the
 * missing chunks. Ingest must not run again.
 */
let cluster: Cluster;
let nc: NatsConnection;
let jobs: JobStore;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "resume-test-"));
  cluster = await startCluster({
    replicas: { gateway: 1, ingest: 1, transcriber: 1, diarizer: 1, enhancer: 1, janitor: 1 },
    env: {
      CHUNK_MAX_SEC: "5",
      CHUNK_MIN_TAIL_SEC: "2",
      TRANSCRIBE_WINDOW: "2",
      // A long ack wait: the lost message must not come back by redelivery, only through the reaper.
      ACK_WAIT_SEC: "600",
      REAPER_STALE_SEC: "3",
      REAPER_INTERVAL_SEC: "1",
      REAPER_MAX_REDRIVES: "5",
    },
  });
  nc = await cluster.nats.connectAs("admin");
  jobs = await createNatsKvJobStore(nc);
}, 120_000);
afterAll(async () => {
  await jobs?.close();
  await nc?.close();
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not in time\n${cluster.log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("a stalled transcribe stage resumes its own chunks", () => {
  it("completes after the transcriber dies mid-chunk and its message is lost, with ingest run once", async () => {
    const media = await makeLibrivoxMp4(join(dir, "talk"));
    await api(cluster.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email: "resume@chaos.test", password: "resume password" }) });
    const token = await login(cluster.url, "resume@chaos.test", "resume password");
    const admin = await login(cluster.url, cluster.admin.email, cluster.admin.password);
    const form = new FormData();
    form.append("options", JSON.stringify({ language: "en", diarize: false }));
    form.append("file", new Blob([await readFile(media.path)], { type: "video/mp4" }), "talk.mp4");
    const created = await api<Job>(cluster.url, "/v1/jobs", { method: "POST", body: form, token });
    expect(created.status, created.text).toBe(202);
    const userId = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).sub as string;
    const ref = { userId, jobId: created.body.id };

    // Some chunks done, some not: the transcriber is at work on the next one. Kill it there.
    const midway = await until("a chunk done", async () => {
      const j = await jobs.getJob(ref);
      return j?.chunks && j.chunks.done.length >= 1 && j.chunks.done.length < j.chunks.count - 2 ? j : undefined;
    });
    const transcriber = cluster.replicas.find((r) => r.name === "transcriber")!;
    expect(cluster.kill(transcriber)).toBe(true);
    // The lost message: what was queued or in flight for transcribe is gone from the work queue.
    const jsm = await jetstreamManager(nc);
    await jsm.streams.purge(Streams.lane(STAGE_LANES.transcribe), { filter: Subjects.stageFilter("transcribe") });
    expect(midway.chunks!.plan).toHaveLength(midway.chunks!.count);

    const ended = await until(
      "job ended",
      async () => {
        const j = await jobs.getJob(ref);
        return j && (j.status === "completed" || j.status === "failed") ? j : undefined;
      },
      240_000,
    );
    expect(ended.status, JSON.stringify(ended.error)).toBe("completed");
    expect(ended.reaped).toBeGreaterThanOrEqual(1); // the reaper resumed it, not a redelivery
    expect([...ended.chunks!.done].sort((a, b) => a - b)).toEqual(Array.from({ length: ended.chunks!.count }, (_, i) => i));
    expect(ended.stages).toMatchObject({ assemble: { status: "done" }, diarize: { status: "skipped" }, enhance: { status: "done" } });

    // Ingest's work happened once: its only replica (never killed) handled one message.
    const metrics = await api<{ stages: { stage: string; processed: number; inFlight: number }[] }>(cluster.url, "/v1/admin/metrics", { token: admin });
    expect(metrics.status, metrics.text).toBe(200);
    expect(metrics.body.stages.find((s) => s.stage === "ingest")).toMatchObject({ processed: 1, inFlight: 0 });
    const t = await api<{ text: string }>(cluster.url, `/v1/jobs/${ref.jobId}/transcript?format=json`, { token });
    expect(t.status).toBe(200);
    expect(t.body.text.split(" ").length).toBeGreaterThan(20);
  }, 400_000);
});
