/**
 * k6 load scenario for the HTTP API: virtual users upload a small WAV, poll their job until it
 * completes or fails (bounded), then fetch the txt transcript. Two scenarios run side by side,
 * `interactive` and `batch` jobs, from USERS accounts registered in setup(), so the lanes' class
 * and per-user fairness buckets both see traffic. Every accepted job is logged as
 * `k6-job <id> <email>` so the caller can check through the API that none was lost.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8080 -e WAVS=/tmp/a.wav,/tmp/b.wav tests/load/upload.k6.js
 *
 * Env: BASE_URL, WAVS (required); USERS (4), VUS (6 interactive), BATCH_VUS (2), ITERATIONS
 * (per VU, 4), MAX_WAIT_SEC (120, per job), POLL_SEC (0.25), RUN_ID (names the accounts),
 * PASSWORD, DURATION_SEC (hard stop of each scenario, 300).
 */
import exec from "k6/execution";
import http from "k6/http";
import { check, sleep } from "k6";
import { Counter, Trend } from "k6/metrics";

const env = (name, fallback) => __ENV[name] ?? fallback;
const BASE_URL = env("BASE_URL");
const WAVS = env("WAVS", "").split(",").filter(Boolean);
if (!BASE_URL || WAVS.length === 0) throw new Error("set BASE_URL and WAVS (comma-separated WAV paths) with -e");

const USERS = Number(env("USERS", 4));
const VUS = Number(env("VUS", 6));
const BATCH_VUS = Number(env("BATCH_VUS", 2));
const ITERATIONS = Number(env("ITERATIONS", 4));
const MAX_WAIT_SEC = Number(env("MAX_WAIT_SEC", 120));
const POLL_SEC = Number(env("POLL_SEC", 0.25));
const DURATION_SEC = Number(env("DURATION_SEC", 300));
const RUN_ID = env("RUN_ID", "");
const PASSWORD = env("PASSWORD", "k6 load-test password");

// Init context: files are read once per VU, before the test starts.
const media = WAVS.map((path) => ({ name: path.split("/").pop(), bytes: open(path, "b") }));

const jobsCompleted = new Counter("jobs_completed");
const jobsFailed = new Counter("jobs_failed");
const serverErrors = new Counter("server_errors");
const uploadToCompleted = new Trend("job_upload_to_completed_seconds");
// Seconds from the end of setup() to each completion: its max is the run's makespan (jobs/s).
const completedAt = new Trend("job_completed_at_seconds");

const scenario = (vus, jobClass) => ({
  executor: "per-vu-iterations", exec: "uploadAndWait", vus, iterations: ITERATIONS,
  maxDuration: `${DURATION_SEC}s`, env: { JOB_CLASS: jobClass }, tags: { job_class: jobClass },
});

export const options = {
  scenarios: {
    interactive: scenario(VUS, "interactive"),
    ...(BATCH_VUS > 0 ? { batch: scenario(BATCH_VUS, "batch") } : {}),
  },
  thresholds: {
    // Every response is expected (2xx): any 4xx, 5xx or network error fails the run.
    http_req_failed: ["rate==0"],
    checks: ["rate==1"],
    server_errors: ["count==0"],
    jobs_failed: ["count==0"],
  },
  setupTimeout: "60s",
  summaryTrendStats: ["avg", "min", "med", "max", "p(90)", "p(95)"],
};

/** Counts 5xx answers separately, so a run can say "no server error" and not just "no failure". */
function answered(res) {
  serverErrors.add(res.status >= 500 ? 1 : 0);
  return res;
}

export function setup() {
  const run = RUN_ID || String(Date.now());
  const json = { headers: { "content-type": "application/json" } };
  const users = [];
  for (let i = 0; i < USERS; i++) {
    const body = JSON.stringify({ email: `load-${run}-${i}@k6.test`, password: PASSWORD });
    const reg = answered(http.post(`${BASE_URL}/v1/auth/register`, body, { ...json, tags: { name: "register" } }));
    check(reg, { "register 201": (r) => r.status === 201 });
    const login = answered(http.post(`${BASE_URL}/v1/auth/login`, body, { ...json, tags: { name: "login" } }));
    check(login, { "login 200": (r) => r.status === 200 });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.body}`);
    users.push({ email: `load-${run}-${i}@k6.test`, token: login.json("token") });
  }
  return { users, startedAt: Date.now() };
}

export function uploadAndWait(data) {
  const user = data.users[(exec.vu.idInTest - 1) % data.users.length];
  const auth = { authorization: `Bearer ${user.token}` };
  const file = media[exec.scenario.iterationInTest % media.length];
  const t0 = Date.now();
  const up = answered(http.post(`${BASE_URL}/v1/jobs`, {
    options: JSON.stringify({ language: "en", class: __ENV.JOB_CLASS }),
    file: http.file(file.bytes, file.name, "audio/wav"),
  }, { headers: auth, tags: { name: "POST /v1/jobs" } }));
  const accepted = check(up, { "upload 202": (r) => r.status === 202 });
  if (!accepted) {
    jobsFailed.add(1);
    jobsCompleted.add(0);
    return;
  }
  const id = up.json("id");
  console.log(`k6-job ${id} ${user.email}`);

  let status = up.json("status");
  while ((status === "queued" || status === "processing") && Date.now() - t0 < MAX_WAIT_SEC * 1000) {
    sleep(POLL_SEC);
    const r = answered(http.get(`${BASE_URL}/v1/jobs/${id}`, { headers: auth, tags: { name: "GET /v1/jobs/:id" } }));
    if (!check(r, { "job read 200": (res) => res.status === 200 })) break;
    status = r.json("status");
  }
  const completed = check(status, { "job completed": (s) => s === "completed" });
  jobsCompleted.add(completed ? 1 : 0);
  jobsFailed.add(completed ? 0 : 1);
  if (!completed) {
    console.warn(`k6-job-not-completed ${id} ${status}`);
    return;
  }
  const now = Date.now();
  uploadToCompleted.add((now - t0) / 1000);
  completedAt.add((now - data.startedAt) / 1000);

  const txt = answered(http.get(`${BASE_URL}/v1/jobs/${id}/transcript?format=txt`, { headers: auth, tags: { name: "GET /v1/jobs/:id/transcript" } }));
  check(txt, {
    "transcript 200": (r) => r.status === 200,
    "transcript not empty": (r) => typeof r.body === "string" && r.body.trim().length > 0,
  });
}
