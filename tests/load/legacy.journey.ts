/**
 * The replaced Python/Celery backend's load test (was tests/load/legacy-load.k6.js): `users`
 * virtual users (1000), each with its own account, log in, upload one small media file and poll the
 * job until it completes (bounded by `maxWaitSec`), then fetch the transcript. Users arrive by
 * `phases`: all at once (a burst, the old test), spread evenly, or at an arrival rate. Accounts
 * are registered first, `registerBatch` at a time, so registration (scrypt) is measured apart from
 * login, as the old test measured login.
 *
 * The old goals are the caller's to judge: this only measures. Every accepted job is returned with
 * its owner so the caller can check through the API that none was lost.
 */
import {
  LoadClient, LoadMetrics, arrive, multipart, pool, readMedia,
  type ArrivalPhase, type LoadResponse, type LoadSummary,
} from "@mp4t/testing";
import { setTimeout as delay } from "node:timers/promises";
import { LOAD_EMAIL_DOMAIN } from "./load-env.ts";
import type { Owned } from "./upload.journey.ts";

export type LegacyRunOptions = {
  baseUrl: string;
  /** Round robin over users; `.mp4` is sent as video/mp4, anything else as audio/wav. */
  files: string[];
  password: string;
  runId: string;
  users: number;
  phases: ArrivalPhase[];
  /** Per job, from its upload. */
  maxWaitSec: number;
  /** Mean seconds between polls of one job (jittered 0.5x-1.5x). */
  pollSec: number;
  /** Registrations in flight at once. */
  registerBatch: number;
  /** Hard stop of the user phase. */
  durationSec: number;
};

/** A failed step, by kind: `job-not-completed`, `register-failed`, `login-failed`, `upload-failed`, `poll-failed`. */
export type Note = { kind: string; text: string };

export type LegacyRun = { summary: LoadSummary; jobs: Owned[]; notes: Note[] };

export const legacyEmail = (runId: string, i: number) => `legacy-${runId}-${i}@${LOAD_EMAIL_DOMAIN}`;
const why = (r: LoadResponse) => `${r.status} ${r.error ?? r.text.slice(0, 200)}`;

export async function runLegacyScenario(o: LegacyRunOptions): Promise<LegacyRun> {
  const m = new LoadMetrics();
  for (const name of ["registered", "register_failed", "jobs_failed", "jobs_unfinished", "server_errors", "users_dropped"]) m.add(name, 0);
  const media = await readMedia(o.files);
  // One socket per user, as k6 had: no request waits for another user's connection.
  const client = new LoadClient({ baseUrl: o.baseUrl, metrics: m, connections: o.users, timeoutMs: 120_000 });
  const jobs: Owned[] = [];
  const notes: Note[] = [];
  try {
    const t0 = Date.now();
    await pool(Array.from({ length: o.users }, (_, i) => i), o.registerBatch, async (i) => {
      const r = await client.request("/v1/auth/register", { body: JSON.stringify({ email: legacyEmail(o.runId, i), password: o.password }) });
      const ok = r.status === 201;
      m.add(ok ? "registered" : "register_failed");
      if (!ok) notes.push({ kind: "register-failed", text: why(r) });
    });
    m.trend("setup_seconds", (Date.now() - t0) / 1000);
    const startedAt = Date.now();

    const user = async (i: number, signal: AbortSignal) => {
      const email = legacyEmail(o.runId, i);
      const login = await client.request("/v1/auth/login", { body: JSON.stringify({ email, password: o.password }), signal });
      m.trend("login_seconds", login.seconds);
      const token = login.json<{ token?: string }>()?.token;
      if (!m.rate("login_success", login.status === 200 && typeof token === "string")) {
        notes.push({ kind: "login-failed", text: `${email} ${why(login)}` });
        return;
      }
      const auth = { authorization: `Bearer ${token}` };

      const up0 = Date.now();
      m.trend("upload_started_at_seconds", (up0 - startedAt) / 1000);
      const up = await client.request("/v1/jobs", { body: multipart({ options: JSON.stringify({ language: "en" }) }, "file", media[i % media.length]!), headers: auth, signal });
      m.trend("upload_seconds", up.seconds);
      m.trend("upload_done_at_seconds", (Date.now() - startedAt) / 1000);
      const job = up.json<{ id?: string; status?: string }>();
      if (!m.rate("upload_success", up.status === 202 && typeof job?.id === "string")) {
        notes.push({ kind: "upload-failed", text: `${email} ${why(up)}` });
        return;
      }
      const id = job!.id!;
      jobs.push({ id, email });

      let status = job!.status;
      let error = "";
      while ((status === "queued" || status === "processing") && Date.now() - up0 < o.maxWaitSec * 1000 && !signal.aborted) {
        // Jitter: 1000 pollers must not fire in lockstep. Polling is the load the old test made.
        await delay(o.pollSec * (0.5 + Math.random()) * 1000);
        const r = await client.request(`/v1/jobs/${id}`, { headers: auth, signal, timeoutMs: 60_000 });
        const body = r.json<{ status?: string; error?: { code?: string; message?: string } }>();
        if (r.status !== 200 || !body?.status) {
          notes.push({ kind: "poll-failed", text: `${id} ${why(r)}` });
          continue; // a failed read is not a failed job; the wait stays bounded
        }
        status = body.status;
        error = status === "failed" ? `${body.error?.code}: ${body.error?.message}` : "";
      }
      const completed = m.rate("job_completion", status === "completed");
      if (!completed) {
        m.add(status === "queued" || status === "processing" ? "jobs_unfinished" : "jobs_failed");
        notes.push({ kind: "job-not-completed", text: `${id} ${status} ${error}` });
        return;
      }
      const now = Date.now();
      m.trend("job_upload_to_completed_seconds", (now - up0) / 1000);
      m.trend("job_completed_at_seconds", (now - startedAt) / 1000);
      const txt = await client.request(`/v1/jobs/${id}/transcript?format=txt`, { headers: auth, signal });
      m.rate("transcript_success", txt.status === 200 && txt.text.trim().length > 0);
    };

    const { dropped } = await arrive(o.phases, { maxConcurrent: o.users, maxDurationMs: o.durationSec * 1000 }, user);
    m.add("users_dropped", dropped);
  } finally {
    await client.close();
  }
  return { summary: m.summary(), jobs, notes };
}
