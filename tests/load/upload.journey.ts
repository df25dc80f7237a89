/**
 * Load scenario for the HTTP API (was tests/load/upload.k6.js): virtual users upload a small WAV,
 * poll their job until it completes or fails (bounded), then fetch the txt transcript. Two groups
 * run side by side, `interactive` and `batch` jobs, from `users` accounts registered first, so the
 * lanes' class and per-user fairness buckets both see traffic. Every accepted job is returned with
 * its owner so the caller can check through the API that none was lost.
 *
 * Thresholds (as the k6 script had): no failed request (4xx, 5xx or no answer), every check held,
 * no 5xx, no failed job.
 */
import {
  LoadClient, LoadMetrics, failedThresholds, multipart, perUserIterations, readMedia,
  type LoadResponse, type LoadSummary, type Threshold,
} from "@mp4t/testing";
import { setTimeout as delay } from "node:timers/promises";
import { LOAD_EMAIL_DOMAIN } from "./load-env.ts";

export type UploadRunOptions = {
  baseUrl: string;
  files: string[];
  password: string;
  /** Names the accounts: `load-<runId>-<i>@load.test`. */
  runId: string;
  users: number;
  /** Interactive virtual users. */
  vus: number;
  batchVus: number;
  /** Journeys per virtual user, one after another. */
  iterations: number;
  /** Per job, from its upload. */
  maxWaitSec: number;
  pollSec?: number;
  /** Hard stop of the whole run. */
  durationSec: number;
};

export type Owned = { id: string; email: string };

export type UploadRun = {
  summary: LoadSummary;
  /** Thresholds that did not hold (empty: the run passed, k6's exit code 0). */
  failed: string[];
  jobs: Owned[];
  /** One line per failed check or job, for the test's report. */
  warnings: string[];
};

const THRESHOLDS: Threshold[] = [
  { metric: "http_req_failed", stat: "rate", op: "==", value: 0 },
  { metric: "checks", stat: "rate", op: "==", value: 1 },
  { metric: "server_errors", stat: "count", op: "==", value: 0 },
  { metric: "jobs_failed", stat: "count", op: "==", value: 0 },
];

export const loadEmail = (runId: string, i: number) => `load-${runId}-${i}@${LOAD_EMAIL_DOMAIN}`;

export async function runUploadScenario(o: UploadRunOptions): Promise<UploadRun> {
  const m = new LoadMetrics();
  for (const name of ["jobs_completed", "jobs_failed", "server_errors", "iterations"]) m.add(name, 0);
  const media = await readMedia(o.files);
  const client = new LoadClient({ baseUrl: o.baseUrl, metrics: m, connections: o.vus + o.batchVus + 2 });
  const jobs: Owned[] = [];
  const warnings: string[] = [];
  const check = (name: string, ok: boolean, r?: LoadResponse) => {
    if (!m.rate("checks", ok)) warnings.push(`check "${name}" failed${r ? `: ${r.status} ${r.error ?? r.text.slice(0, 200)}` : ""}`);
    return ok;
  };
  try {
    // Setup: accounts registered and logged in one after another, before any upload.
    const users: { email: string; token: string }[] = [];
    for (let i = 0; i < o.users; i++) {
      const body = JSON.stringify({ email: loadEmail(o.runId, i), password: o.password });
      check("register 201", (await client.request("/v1/auth/register", { body })).status === 201);
      const login = await client.request("/v1/auth/login", { body });
      if (!check("login 200", login.status === 200, login)) throw new Error(`login failed: ${login.status} ${login.error ?? login.text}`);
      users.push({ email: loadEmail(o.runId, i), token: login.json<{ token: string }>()?.token ?? "" });
    }
    const startedAt = Date.now();

    const journey = async (vu: number, iterationInTest: number, jobClass: string, signal: AbortSignal) => {
      const user = users[vu % users.length]!;
      const auth = { authorization: `Bearer ${user.token}` };
      const t0 = Date.now();
      const body = multipart({ options: JSON.stringify({ language: "en", class: jobClass }) }, "file", media[iterationInTest % media.length]!);
      const up = await client.request("/v1/jobs", { body, headers: auth, signal });
      const job = up.json<{ id?: string; status?: string }>();
      if (!check("upload 202", up.status === 202 && typeof job?.id === "string", up)) {
        m.add("jobs_failed");
        return;
      }
      const id = job!.id!;
      jobs.push({ id, email: user.email });

      let status = job!.status;
      while ((status === "queued" || status === "processing") && Date.now() - t0 < o.maxWaitSec * 1000 && !signal.aborted) {
        // A client polling its job is the load this scenario puts on the API (GET /v1/jobs/:id).
        await delay((o.pollSec ?? 0.25) * 1000);
        const r = await client.request(`/v1/jobs/${id}`, { headers: auth, signal });
        if (!check("job read 200", r.status === 200, r)) break;
        status = r.json<{ status?: string }>()?.status;
      }
      const completed = check("job completed", status === "completed");
      m.add(completed ? "jobs_completed" : "jobs_failed");
      if (!completed) {
        warnings.push(`job not completed: ${id} ${status}`);
        return;
      }
      const now = Date.now();
      m.trend("job_upload_to_completed_seconds", (now - t0) / 1000);
      m.trend("job_completed_at_seconds", (now - startedAt) / 1000);
      const txt = await client.request(`/v1/jobs/${id}/transcript?format=txt`, { headers: auth, signal });
      check("transcript 200", txt.status === 200, txt);
      check("transcript not empty", txt.text.trim().length > 0, txt);
    };

    const group = (vus: number, offset: number, jobClass: string) => perUserIterations(vus, o.iterations, o.durationSec * 1000, async (it) => {
      await journey(offset + it.vu, it.iterationInTest, jobClass, it.signal);
      m.add("iterations");
    });
    await Promise.all([group(o.vus, 0, "interactive"), ...(o.batchVus > 0 ? [group(o.batchVus, o.vus, "batch")] : [])]);
  } finally {
    await client.close();
  }
  const summary = m.summary();
  return { summary, failed: failedThresholds(summary, THRESHOLDS), jobs, warnings };
}
