import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job } from "@mp4t/contracts";
import { makeSilenceWav, runK6, startFakeOpenAi, type FakeOpenAiServer, type K6Result } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, login, startSystem, type RunningSystem } from "../e2e/system.ts";
import { scrape } from "../observability/prometheus.ts";
import { LOAD_TEST_LIMITS, METRICS_TOKEN } from "./limits.ts";

const SCRIPT = join(import.meta.dirname, "upload.k6.js");
const PASSWORD = "k6 load-test password";
const USERS = 4;
const VUS = 6;
const BATCH_VUS = 2;
const ITERATIONS = 4; // per VU
const JOBS = (VUS + BATCH_VUS) * ITERATIONS;

/** `k6-job <id> <email>` lines the script logs for every upload the gateway accepted. */
function loggedJobs(k6: K6Result): { id: string; email: string }[] {
  return [...(k6.stdout + k6.stderr).matchAll(/k6-job ([0-9a-z]{26}) (\S+@k6\.test)/g)].map((m) => ({ id: m[1]!, email: m[2]! }));
}

/**
 * Load, end to end: real k6 drives the HTTP API of the whole system (scripts/start.ts: nats-server
 * and the six services as processes) with interactive and batch uploads from several accounts at
 * once. The engine is the OpenAI-compatible fake, so the run measures our services, not a model.
 * No upload may be lost, no request may fail or hit a 5xx, and every job must complete.
 */
describe("load: k6 uploads through the whole system", () => {
  let dir: string;
  let fake: FakeOpenAiServer;
  let sys: RunningSystem;
  let wavs: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mp4t-k6-"));
    wavs = [
      await makeSilenceWav(join(dir, "one.wav"), 1, { channels: 1, sampleRate: 16_000 }),
      await makeSilenceWav(join(dir, "three.wav"), 3, { channels: 2, sampleRate: 44_100 }),
    ];
    fake = await startFakeOpenAi({ latencyMs: 50, transcript: "the quick brown fox jumps over the lazy dog" });
    sys = await startSystem({ TRANSCRIBE_ENGINE: "openai", OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: fake.apiKey, ...LOAD_TEST_LIMITS });
  }, 120_000);

  afterAll(async () => {
    const code = await sys?.stop();
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
    expect(code).toBe(0);
  }, 60_000);

  it(`completes all ${JOBS} jobs of ${VUS + BATCH_VUS} virtual users, losing none, with no 5xx`, async () => {
    const runId = `t${Date.now()}`;
    const k6 = await runK6(SCRIPT, {
      summaryPath: join(dir, "summary.json"),
      env: {
        BASE_URL: sys.url, WAVS: wavs.join(","), RUN_ID: runId, PASSWORD, USERS: String(USERS),
        VUS: String(VUS), BATCH_VUS: String(BATCH_VUS), ITERATIONS: String(ITERATIONS), MAX_WAIT_SEC: "90", DURATION_SEC: "150",
      },
      timeoutMs: 170_000,
    });
    const report = `k6 exited ${k6.code}\n${k6.stdout}\n${k6.stderr.slice(-4000)}\n--- system ---\n${sys.output().slice(-4000)}`;
    expect(k6.code, report).toBe(0); // every threshold held
    const m = k6.summary!.metrics;
    expect(m.iterations?.count, report).toBe(JOBS);
    expect(m.checks?.fails, report).toBe(0);
    expect(m.checks?.passes).toBeGreaterThanOrEqual(JOBS * 5); // upload, completed, transcript x2, at least one read
    expect(m.jobs_completed?.count).toBe(JOBS);
    expect(m.jobs_failed?.count).toBe(0);
    expect(m.server_errors?.count).toBe(0);
    expect(m.http_req_failed?.value).toBe(0);

    // No upload lost: each account's job list holds exactly the jobs k6 was given, all completed.
    const logged = loggedJobs(k6);
    expect(new Set(logged.map((j) => j.id)).size, report).toBe(JOBS);
    const emails = [...new Set(logged.map((j) => j.email))].sort();
    const classes = new Set<string>();
    expect(emails).toEqual(Array.from({ length: USERS }, (_, i) => `load-${runId}-${i}@k6.test`).sort());
    for (const email of emails) {
      const token = await login(sys.url, email, PASSWORD);
      const page = await api<{ items: Job[]; next: string | null }>(sys.url, "/v1/jobs?limit=100", { token });
      expect(page.status).toBe(200);
      expect(page.body.next).toBeNull();
      const mine = logged.filter((j) => j.email === email).map((j) => j.id).sort();
      expect(page.body.items.map((j) => j.id).sort(), email).toEqual(mine);
      for (const job of page.body.items) {
        expect(job.status, JSON.stringify(job.error)).toBe("completed");
        classes.add(job.options.class);
        const txt = await api(sys.url, `/v1/jobs/${job.id}/transcript?format=txt`, { token });
        expect(txt.status).toBe(200);
        expect(txt.text).toContain("quick brown fox");
      }
    }
    expect([...classes].sort()).toEqual(["batch", "interactive"]);

    // The gateway's own count agrees: every upload accepted, never a 5xx.
    const samples = await scrape(`${sys.url}/metrics`, METRICS_TOKEN);
    const requests = samples.filter((s) => s.name === "mp4t_http_requests_total");
    expect(requests.filter((s) => s.labels.status_code!.startsWith("5")).reduce((a, s) => a + s.value, 0)).toBe(0);
    const accepted = requests.filter((s) => s.labels.route === "/v1/jobs" && s.labels.method === "POST" && s.labels.status_code === "202");
    expect(accepted.reduce((a, s) => a + s.value, 0)).toBe(JOBS);
  }, 200_000);
});
