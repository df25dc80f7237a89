import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { JobEvent, Streams, type Job } from "@mp4t/contracts";
import { LIBRIVOX_DIR } from "@mp4t/testing";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, login } from "../e2e/system.ts";
import { startCluster, type Cluster } from "./cluster.ts";

/**
 * Chaos: the whole system as processes (two replicas of every worker service), 30 jobs, worker
 * processes SIGKILLed while they work (their supervisor restarts them, as in production) and
 * nats-server restarted once. Nothing may be lost, done twice, or left hanging.
 */
const JOBS = 30;
const KILLS = 8;
const WORKERS = new Set(["ingest", "transcriber", "diarizer", "enhancer"]);
/** The shortest LibriVox clip (3 s of speech): enough for every stage, cheap on 2 cores. */
const CLIP = join(LIBRIVOX_DIR, "sense_and_sensibility_01_austen_64kb-0880.wav");

let cluster: Cluster;
let nc: NatsConnection;

beforeAll(async () => {
  cluster = await startCluster({
    replicas: { gateway: 1, ingest: 2, transcriber: 2, diarizer: 2, enhancer: 2, janitor: 1 },
    // A killed worker's message comes back after ACK_WAIT_SEC; the reaper is the safety net for anything lost.
    env: { ACK_WAIT_SEC: "5", WORKER_CONCURRENCY: "2", REAPER_STALE_SEC: "60", REAPER_INTERVAL_SEC: "10" },
  });
  nc = await cluster.nats.connectAs("admin", { maxReconnectAttempts: -1, reconnectTimeWait: 250 });
}, 120_000);
afterAll(async () => {
  await nc?.close();
  await cluster?.stop();
}, 60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A client that retries while the system is briefly unavailable (503 during a NATS restart). */
async function retrying<T>(fn: () => Promise<{ status: number; body: T; text: string }>, ok = (s: number) => s < 500) {
  for (let i = 0; ; i++) {
    const r = await fn().catch((err: unknown) => ({ status: 599, body: undefined as T, text: String(err) }));
    if (ok(r.status) || i >= 60) return r;
    await sleep(500);
  }
}

describe("chaos: kills and a NATS restart under load", () => {
  it("completes every job exactly once, with nothing dead-lettered or stuck", async () => {
    const wav = await readFile(CLIP);
    await api(cluster.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email: "chaos@chaos.test", password: "chaos password" }) });
    const token = await login(cluster.url, "chaos@chaos.test", "chaos password");
    const adminToken = await login(cluster.url, cluster.admin.email, cluster.admin.password);
    const t0 = Date.now();

    const ids: string[] = [];
    const submit = async () => {
      const form = new FormData();
      form.append("options", JSON.stringify({ language: "en", enhance: ["summary"] }));
      form.append("file", new Blob([wav], { type: "audio/wav" }), "clip.wav");
      const r = await retrying(() => api<Job>(cluster.url, "/v1/jobs", { method: "POST", body: form, token }));
      expect(r.status, r.text).toBe(202);
      ids.push(r.body.id);
    };

    const statuses = async () => {
      const r = await retrying(
        () => api<{ items: Job[] }>(cluster.url, "/v1/jobs?limit=100", { token }),
        (s) => s === 200,
      );
      return r.status === 200 ? r.body.items : [];
    };
    const completedCount = async () => (await statuses()).filter((j) => j.status === "completed").length;

    // Chaos runs beside the submissions: a kill every ~2.5 s while jobs are in flight, NATS restarted once.
    let kills = 0;
    let natsRestarts = 0;
    let recoverSec = NaN;
    const workers = cluster.replicas.filter((r) => WORKERS.has(r.name));
    const killed: string[] = [];
    let done = false;
    const chaos = (async () => {
      while (!done && kills < KILLS) {
        await sleep(2500);
        if (done) break;
        const victim = workers[Math.floor(Math.random() * workers.length)]!;
        if (cluster.kill(victim)) {
          kills++;
          killed.push(`${victim.name}#${victim.index}`);
        }
        if (kills === 4 && natsRestarts === 0) {
          const before = await completedCount();
          await cluster.restartNats();
          natsRestarts++;
          const back = Date.now();
          // Recovered: a job completes after the restart (the pipeline moves end to end again).
          while (!done && (await completedCount()) <= before && Date.now() - back < 120_000) await sleep(250);
          recoverSec = (Date.now() - back) / 1000;
        }
      }
    })();

    for (let i = 0; i < JOBS; i += 5) await Promise.all(Array.from({ length: Math.min(5, JOBS - i) }, submit));

    let jobs: Job[] = [];
    for (;;) {
      jobs = (await statuses()).filter((j) => ids.includes(j.id));
      if (jobs.length === JOBS && jobs.every((j) => j.status !== "queued" && j.status !== "processing")) break;
      if (Date.now() - t0 > 200_000) {
        throw new Error(
          `jobs not finished: ${JSON.stringify(jobs.filter((j) => j.status !== "completed").map((j) => [j.id, j.status, j.stages]))}\n${cluster.log()}`,
        );
      }
      await sleep(500);
    }
    done = true;
    await chaos;
    const elapsedSec = (Date.now() - t0) / 1000;

    // Every job completed, none left queued or processing.
    const byStatus = Object.groupBy(jobs, (j) => j.status);
    expect(byStatus.completed?.length ?? 0, JSON.stringify(jobs.filter((j) => j.status !== "completed").map((j) => j.error))).toBe(JOBS);

    // Exactly one transcript each, read through the API.
    for (const id of ids) {
      const t = await api<{ text: string; segments: unknown[] }>(cluster.url, `/v1/jobs/${id}/transcript?format=json`, { token });
      expect(t.status, t.text).toBe(200);
      expect(Array.isArray(t.body.segments)).toBe(true);
    }

    // Nothing dead-lettered: the stream is empty, and the admin API agrees.
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(Streams.deadLetters)).state.messages).toBe(0);
    const letters = await api<{ items: unknown[] }>(cluster.url, "/v1/admin/dead-letters", { token: adminToken });
    expect(letters.status).toBe(200);
    expect(letters.body.items).toEqual([]);

    // Done once: per job one `completed` event and one `stage.done` per stage on MP4T_EVENTS.
    // Each event as stored (sequence, publisher, progress, time), so a duplicate can be traced to its sender.
    const seen = new Map<string, string[]>();
    const consumer = await jetstream(nc).consumers.get(Streams.events);
    const total = (await jsm.streams.info(Streams.events)).state.messages;
    let read = 0;
    for await (const m of await consumer.fetch({ max_messages: total, expires: 5000 })) {
      const e = JobEvent.parse(m.json());
      if (e.type === "completed" || e.type === "stage.done") {
        const key = `${e.jobId}:${e.type}:${e.stage ?? ""}`;
        seen.set(key, [...(seen.get(key) ?? []), `#${m.seq} ${m.headers?.get("Mp4t-Publisher")} p=${e.progress} at=${e.at}`]);
      }
      if (++read === total) break;
    }
    const counts = new Map([...seen].map(([k, v]) => [k, v.length]));
    const duplicates = [...counts.values()].reduce((s, n) => s + (n - 1), 0);
    const duplicated = [...seen].filter(([, v]) => v.length > 1).map(([k, v]) => `${k}: ${v.join(" | ")}`);
    for (const id of ids) expect(counts.get(`${id}:completed:`), id).toBe(1);

    // Redeliveries the live replicas saw (a killed process takes its own counters with it).
    const services = await api<{ name: string; stats: { workers?: { redelivered: number }[] } | null }[]>(cluster.url, "/v1/admin/services", {
      token: adminToken,
    });
    const redeliveries = services.body.flatMap((s) => s.stats?.workers ?? []).reduce((s, w) => s + w.redelivered, 0);

    console.log(
      `[chaos] jobs ${JOBS}, completed ${byStatus.completed?.length ?? 0}, kills ${kills} (${killed.join(" ")}), nats restarts ${natsRestarts}, ` +
        `redeliveries ${redeliveries}, duplicates ${duplicates}, dead letters 0, time to recover after the NATS restart ${recoverSec.toFixed(1)} s, total ${elapsedSec.toFixed(1)} s`,
    );
    expect(duplicates, `${duplicated.join("\n")}\n${cluster.log()}`).toBe(0);
    expect(kills).toBeGreaterThanOrEqual(4);
    expect(natsRestarts).toBe(1);
  }, 300_000);
});
