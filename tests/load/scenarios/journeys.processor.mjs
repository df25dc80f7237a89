/**
 * Artillery processor for tests/load/scenarios/*.yml: what YAML cannot say. It runs inside
 * Artillery's worker threads, not in the test's process. Plain ESM JavaScript: Artillery would
 * bundle a TypeScript processor into a dist/ folder beside it.
 *
 * - Identity: a counter per worker gives each arriving virtual user the next account and job
 *   class. `arrivalCount` phases run in Artillery's first worker only, so there the mapping is
 *   exact; with several workers (machines with more than 2 CPUs) rate phases are split between
 *   workers and two users may share an account, never use one that does not exist.
 * - Polling: `jobRunning` keeps the poll loop (`whileTrue`) going while the job is queued or
 *   processing and its wait is within `maxWaitSec`; `pause` jitters the poll interval 0.5x-1.5x so
 *   many pollers do not fire in lockstep.
 * - Figures: custom metrics with `events.emit` (`counter`, `histogram`), whole request times
 *   (Artillery's own `http.response_time` is time to first byte, without sending the body), and a
 *   journal (JSON lines in `journalFile`): every accepted job with its owner and exact times, for
 *   the lost-job check through the API and the upload and end-to-end windows.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { basename } from "node:path";

const ACTIVE = new Set(["queued", "processing"]);
let arrivals = 0;
let accountsClaimed = 0;
let journeys = 0;

const emailOf = (v, i) => `${v.accountPrefix}-${i}@load.test`;
const journal = (v, entry) => appendFileSync(v.journalFile, `${JSON.stringify(entry)}\n`);
const json = (body) => {
  try {
    const parsed = JSON.parse(String(body));
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
};
const note = (v, kind, text) => journal(v, { kind, text: text.slice(0, 300) });

/** register.yml: the next account to register, or `registerMore` false when all are claimed. */
export function claimAccount(context, _events, done) {
  const v = context.vars;
  const i = accountsClaimed++;
  v.registerMore = i < v.users;
  if (i < v.users) v.email = emailOf(v, i);
  done();
}

/** `ifTrue` of the registration: a lane whose first claim found none left sends nothing. */
export function hasAccount(vars) {
  return vars.registerMore === true;
}

export function registerMore(context, done) {
  done(context.vars.registerMore === true);
}

const COUNTERS = [
  "server_errors",
  "failed_requests",
  "jobs.accepted",
  "jobs.completed",
  "jobs.failed",
  "jobs.unfinished",
  "jobs.poll_failed",
  "transcripts.ok",
  "transcripts.failed",
];

/** beforeScenario: every counter at zero, so `ensure` and the report find them all. */
export function zeroCounters(_context, events, done) {
  for (const c of COUNTERS) events.emit("counter", `load.${c}`, 0);
  done();
}

/** `tokensFile` (legacy.yml, users signed in before the run): email -> access token, read once per worker. */
let tokens;
const tokenOf = (v) => {
  tokens ??= JSON.parse(readFileSync(v.tokensFile, "utf8"));
  return tokens[v.email];
};

/** beforeScenario: this user's account and job class, and its token when users signed in before the run. */
export function pickUser(context, events, done) {
  const v = context.vars;
  const n = arrivals++;
  v.email = emailOf(v, n % v.users);
  if (v.tokensFile) v.token = tokenOf(v);
  const jobClass = v.interactiveUsers === undefined ? undefined : n < v.interactiveUsers ? "interactive" : "batch";
  v.jobOptions = JSON.stringify({ language: "en", ...(jobClass ? { class: jobClass } : {}) });
  zeroCounters(context, events, done);
}

/** Before each upload: the next file (round robin over journeys) and the journey's clock. */
export function startJourney(context, _events, done) {
  const v = context.vars;
  const files = v.files.split(",");
  const file = files[journeys++ % files.length];
  v.file = file;
  v.fileType = file.endsWith(".mp4") ? "video/mp4" : "audio/wav";
  v.fileName = basename(file);
  v.journeyStart = Date.now();
  v.jobId = undefined;
  v.jobStatus = undefined;
  done();
}

/** Scenario-wide afterResponse: 5xx and failed requests, and each request's whole time by name. */
export function countResponse(req, res, _context, events, done) {
  if (res.statusCode >= 500) events.emit("counter", "load.server_errors", 1);
  if (res.statusCode >= 400) events.emit("counter", "load.failed_requests", 1);
  const total = res.timings?.phases?.total;
  if (req.name && typeof total === "number") events.emit("histogram", `load.request_ms.${req.name}`, total);
  done();
}

/** After POST /v1/jobs: a 202 with an id is journaled; anything else ends this user's journey. */
export function afterUpload(_req, res, context, events, done) {
  const v = context.vars;
  const body = json(res.body);
  const now = Date.now();
  if (res.statusCode !== 202 || typeof body?.id !== "string") {
    note(v, "upload-failed", `${v.email} ${res.statusCode} ${String(res.body)}`);
    return done(new Error("upload not accepted"));
  }
  v.jobId = body.id;
  v.jobStatus = body.status;
  events.emit("counter", "load.jobs.accepted", 1);
  journal(v, { kind: "accepted", id: body.id, email: v.email, start: v.journeyStart, end: now });
  done();
}

/** The poll loop's pause: `pollSec`, jittered 0.5x-1.5x. */
export function pause(context, _events, done) {
  setTimeout(done, context.vars.pollSec * (0.5 + Math.random()) * 1000);
}

/** After GET /v1/jobs/:id: a failed read is counted, not taken for a failed job; the wait stays bounded. */
export function afterPoll(_req, res, context, events, done) {
  const v = context.vars;
  const body = json(res.body);
  if (res.statusCode !== 200 || typeof body?.status !== "string") {
    events.emit("counter", "load.jobs.poll_failed", 1);
    note(v, "poll-failed", `${String(v.jobId)} ${res.statusCode} ${String(res.body)}`);
    return done();
  }
  v.jobStatus = body.status;
  const error = body.error;
  v.jobError = error ? `${error.code}: ${error.message}` : "";
  done();
}

export function jobRunning(context, done) {
  const v = context.vars;
  done(ACTIVE.has(String(v.jobStatus)) && Date.now() - v.journeyStart < v.maxWaitSec * 1000);
}

/** After the poll loop: completed, failed or still running (past `maxWaitSec`). */
export function endJob(context, events, done) {
  const v = context.vars;
  const now = Date.now();
  v.jobCompleted = v.jobStatus === "completed";
  if (v.jobCompleted) {
    events.emit("counter", "load.jobs.completed", 1);
    events.emit("histogram", "load.job.upload_to_completed_ms", now - v.journeyStart);
    journal(v, { kind: "completed", id: v.jobId, at: now });
  } else {
    events.emit("counter", ACTIVE.has(String(v.jobStatus)) ? "load.jobs.unfinished" : "load.jobs.failed", 1);
    note(v, "job-not-completed", `${String(v.jobId)} ${String(v.jobStatus)} ${String(v.jobError ?? "")}`);
  }
  done();
}

/** `ifTrue` of legacy.yml's login: a user with a token from before the run does not log in. */
export function needsLogin(vars) {
  return typeof vars.token !== "string";
}

/** `ifTrue` of the transcript request. */
export function jobCompleted(vars) {
  return vars.jobCompleted === true;
}

export function afterTranscript(_req, res, _context, events, done) {
  const ok = res.statusCode === 200 && String(res.body).trim().length > 0;
  events.emit("counter", ok ? "load.transcripts.ok" : "load.transcripts.failed", 1);
  done();
}
