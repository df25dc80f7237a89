/**
 * The replaced Python/Celery backend's load test, on k6: USERS virtual users (1000), each with its
 * own account, log in, upload one small media file and poll the job until it completes (bounded
 * by MAX_WAIT_SEC), then fetch the transcript. All users start at once (a burst), or spread over
 * RAMP_SEC. Accounts are registered in setup(), in parallel batches, so registration (scrypt) is
 * measured apart from login, as the old test measured login.
 *
 * The old goals are thresholds here only to show them in k6's summary: none aborts the run, and a
 * missed goal exits 99 like any threshold; callers judge the figures themselves. Every accepted job
 * is logged as `legacy-job <id> <email>` so the caller can check through the API that none was lost.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8080 -e FILES=/tmp/a.wav,/tmp/b.mp4 tests/load/legacy-load.k6.js
 *
 * Env: BASE_URL, FILES (required; .mp4 is sent as video/mp4, anything else as audio/wav); USERS
 * (1000), RAMP_SEC (0), MAX_WAIT_SEC (300, per job from its upload), POLL_SEC (2), RUN_ID (names
 * the accounts), PASSWORD, REGISTER_BATCH (50 registrations in flight), DURATION_SEC (600).
 */
import exec from "k6/execution";
import http from "k6/http";
import { check, sleep } from "k6";
import { Counter, Rate, Trend } from "k6/metrics";

const env = (name, fallback) => __ENV[name] ?? fallback;
const BASE_URL = env("BASE_URL");
const FILES = env("FILES", "").split(",").filter(Boolean);
if (!BASE_URL || FILES.length === 0) throw new Error("set BASE_URL and FILES (comma-separated media paths) with -e");

const USERS = Number(env("USERS", 1000));
const RAMP_SEC = Number(env("RAMP_SEC", 0));
const MAX_WAIT_SEC = Number(env("MAX_WAIT_SEC", 300));
const POLL_SEC = Number(env("POLL_SEC", 2));
const DURATION_SEC = Number(env("DURATION_SEC", 600));
const REGISTER_BATCH = Number(env("REGISTER_BATCH", 50));
const RUN_ID = env("RUN_ID", "");
const PASSWORD = env("PASSWORD", "k6 legacy-load password");

// Init context: k6 wants every file opened once in the first init (__VU 0); a VU keeps only its own.
const fileOf = (vu) => FILES[(vu - 1) % FILES.length];
const media = {};
for (const path of __VU === 0 ? FILES : [fileOf(__VU)]) {
  const name = path.split("/").pop();
  media[path] = { name, type: name.endsWith(".mp4") ? "video/mp4" : "audio/wav", bytes: open(path, "b") };
}

const registered = new Counter("registered");
const registerFailed = new Counter("register_failed");
const setupSeconds = new Trend("setup_seconds");
const loginSuccess = new Rate("login_success");
const loginSeconds = new Trend("login_seconds");
const uploadSuccess = new Rate("upload_success");
const uploadSeconds = new Trend("upload_seconds");
// Seconds from the end of setup(): the first upload's start and the last one's end bound the upload window.
const uploadStartedAt = new Trend("upload_started_at_seconds");
const uploadDoneAt = new Trend("upload_done_at_seconds");
const jobCompletion = new Rate("job_completion"); // over accepted uploads
const jobsFailed = new Counter("jobs_failed"); // the job ended failed or canceled
const jobsUnfinished = new Counter("jobs_unfinished"); // still queued/processing after MAX_WAIT_SEC
const uploadToCompleted = new Trend("job_upload_to_completed_seconds");
const completedAt = new Trend("job_completed_at_seconds");
const transcriptSuccess = new Rate("transcript_success");
const serverErrors = new Counter("server_errors");

export const options = {
  scenarios: {
    users: { executor: "per-vu-iterations", exec: "user", vus: USERS, iterations: 1, maxDuration: `${DURATION_SEC}s` },
  },
  // The old system's goals, for k6's own summary. No abortOnFail: the run always finishes.
  thresholds: {
    login_success: ["rate>0.95"],
    upload_success: ["rate>0.90"],
    job_completion: ["rate>0.85"],
    upload_seconds: ["p(95)<5"],
  },
  batch: REGISTER_BATCH,
  batchPerHost: REGISTER_BATCH,
  setupTimeout: `${Math.max(120, Math.ceil(USERS / 5))}s`,
  summaryTrendStats: ["avg", "min", "med", "max", "p(90)", "p(95)"],
};

/** Counts 5xx answers separately, so a run can say "no server error" and not just "no failure". */
function answered(res) {
  serverErrors.add(res.status >= 500 ? 1 : 0);
  return res;
}

const emailOf = (run, i) => `legacy-${run}-${i}@k6.test`;
const json = (name) => ({ headers: { "content-type": "application/json" }, tags: { name }, timeout: "120s" });

export function setup() {
  const run = RUN_ID || String(Date.now());
  const t0 = Date.now();
  for (let from = 0; from < USERS; from += REGISTER_BATCH) {
    const batch = [];
    for (let i = from; i < Math.min(USERS, from + REGISTER_BATCH); i++) {
      const body = JSON.stringify({ email: emailOf(run, i), password: PASSWORD });
      batch.push({ method: "POST", url: `${BASE_URL}/v1/auth/register`, body, params: json("register") });
    }
    for (const r of http.batch(batch)) {
      answered(r);
      const ok = r.status === 201;
      registered.add(ok ? 1 : 0);
      registerFailed.add(ok ? 0 : 1);
      if (!ok) console.warn(`legacy-register-failed ${r.status} ${String(r.body).slice(0, 200)}`);
    }
  }
  setupSeconds.add((Date.now() - t0) / 1000);
  return { run, startedAt: Date.now() };
}

export function user(data) {
  const i = exec.vu.idInTest - 1;
  if (RAMP_SEC > 0) sleep((RAMP_SEC * i) / USERS);
  const email = emailOf(data.run, i);

  const login = answered(http.post(`${BASE_URL}/v1/auth/login`, JSON.stringify({ email, password: PASSWORD }), json("login")));
  loginSeconds.add(login.timings.duration / 1000);
  const loggedIn = check(login, { "login 200": (r) => r.status === 200 });
  loginSuccess.add(loggedIn);
  if (!loggedIn) {
    console.warn(`legacy-login-failed ${email} ${login.status} ${login.error || String(login.body).slice(0, 200)}`);
    return;
  }
  const auth = { authorization: `Bearer ${login.json("token")}` };

  const file = media[fileOf(exec.vu.idInTest)];
  const t0 = Date.now();
  uploadStartedAt.add((t0 - data.startedAt) / 1000);
  const up = answered(http.post(`${BASE_URL}/v1/jobs`, {
    options: JSON.stringify({ language: "en" }),
    file: http.file(file.bytes, file.name, file.type),
  }, { headers: auth, tags: { name: "POST /v1/jobs" }, timeout: "120s" }));
  uploadSeconds.add(up.timings.duration / 1000);
  uploadDoneAt.add((Date.now() - data.startedAt) / 1000);
  const accepted = check(up, { "upload 202": (r) => r.status === 202 });
  uploadSuccess.add(accepted);
  if (!accepted) {
    console.warn(`legacy-upload-failed ${email} ${up.status} ${up.error || String(up.body).slice(0, 200)}`);
    return;
  }
  const id = up.json("id");
  console.log(`legacy-job ${id} ${email}`);

  let status = up.json("status");
  let error = "";
  while ((status === "queued" || status === "processing") && Date.now() - t0 < MAX_WAIT_SEC * 1000) {
    sleep(POLL_SEC * (0.5 + Math.random())); // jitter: 1000 pollers must not fire in lockstep
    const r = answered(http.get(`${BASE_URL}/v1/jobs/${id}`, { headers: auth, tags: { name: "GET /v1/jobs/:id" }, timeout: "60s" }));
    if (r.status !== 200) {
      console.warn(`legacy-poll-failed ${id} ${r.status} ${r.error || String(r.body).slice(0, 200)}`);
      continue; // a failed read is not a failed job; the wait stays bounded
    }
    status = r.json("status");
    error = status === "failed" ? `${r.json("error.code")}: ${r.json("error.message")}` : "";
  }
  const completed = status === "completed";
  jobCompletion.add(completed);
  if (!completed) {
    (status === "queued" || status === "processing" ? jobsUnfinished : jobsFailed).add(1);
    console.warn(`legacy-job-not-completed ${id} ${status} ${error}`);
    return;
  }
  const now = Date.now();
  uploadToCompleted.add((now - t0) / 1000);
  completedAt.add((now - data.startedAt) / 1000);

  const txt = answered(http.get(`${BASE_URL}/v1/jobs/${id}/transcript?format=txt`, { headers: auth, tags: { name: "GET /v1/jobs/:id/transcript" } }));
  transcriptSuccess.add(txt.status === 200 && typeof txt.body === "string" && txt.body.trim().length > 0);
}
