/**
 * The replaced Python/Celery backend's load test (was tests/load/legacy-load.k6.js), on Artillery
 * (scenarios/legacy.yml): `users` accounts registered first, `registerLanes` at a time
 * (scenarios/register.yml), so registration (scrypt) is measured apart from login; then users
 * arrive by `phases` (Artillery's: `arrivalCount` over a duration, `arrivalRate` with `rampTo`),
 * each logging in, uploading one file, polling its job until it completes (bounded by
 * `maxWaitSec`) and fetching the transcript. With `signInFirst`, every user logs in before the
 * run (`registerLanes` at a time, timed apart) and arrives with its token: the run then measures
 * what the system accepts, not how fast it hashes passwords (each login is one scrypt).
 *
 * The old goals are the caller's to judge (legacy.yml prints them as optional `ensure` lines).
 * Every accepted job is returned with its owner so the caller can check through the API that
 * none was lost.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pool } from "@mp4t/testing";
import { login } from "../e2e/system.ts";
import { runArtillery, type ArtilleryRun, type JournalEntry } from "./artillery.ts";
import type { Owned } from "./upload.journey.ts";

/** An Artillery phase (config.phases). */
export type Phase = { name?: string; duration: number } & ({ arrivalCount: number } | { arrivalRate: number; rampTo?: number; maxVusers?: number });

export type LegacyRunOptions = {
  baseUrl: string;
  /** Round robin over users; `.mp4` is sent as video/mp4, anything else as audio/wav. */
  files: string[];
  password: string;
  runId: string;
  users: number;
  phases: Phase[];
  /** Per job, from its upload. */
  maxWaitSec: number;
  /** Mean seconds between polls of one job (jittered 0.5x-1.5x). */
  pollSec: number;
  /** Registrations in flight at once. */
  registerLanes: number;
  /** Hard stop of the user run (Artillery is killed). */
  durationSec: number;
  /** Log every user in before the run; users then arrive signed in and skip the login. */
  signInFirst?: boolean;
};

/** The logins before the run (`signInFirst`): how many succeeded and how long they took. */
export type SignIn = { ok: number; failures: string[]; wallSec: number; p95Sec: number };

export type LegacyRun = {
  register: ArtilleryRun;
  run: ArtilleryRun;
  jobs: Owned[];
  /** Exact times from the journal (ms since the epoch). */
  firstUploadStart: number;
  lastUploadEnd: number;
  lastCompletion: number;
  notes: Extract<JournalEntry, { text: string }>[];
  signIn?: SignIn;
};

export const legacyEmail = (runId: string, i: number) => `legacy-${runId}-${i}@load.test`;

export async function runLegacyScenario(o: LegacyRunOptions): Promise<LegacyRun> {
  const common = { accountPrefix: `legacy-${o.runId}`, users: o.users, password: o.password };
  const register = await runArtillery({
    scenario: "register.yml",
    target: o.baseUrl,
    variables: common,
    timeoutMs: Math.max(120, o.users) * 1000,
    overrides: { config: { phases: [{ name: "register", duration: 1, arrivalCount: Math.min(o.users, o.registerLanes) }] } },
  });
  const tokensDir = o.signInFirst ? await mkdtemp(join(tmpdir(), "mp4t-legacy-tokens-")) : undefined;
  let signIn: SignIn | undefined;
  let run: ArtilleryRun;
  try {
    const signedIn = tokensDir ? await signInAll(o, join(tokensDir, "tokens.json")) : undefined;
    signIn = signedIn?.figures;
    run = await runArtillery({
      scenario: "legacy.yml",
      target: o.baseUrl,
      timeoutMs: o.durationSec * 1000,
      variables: {
        ...common,
        maxWaitSec: o.maxWaitSec,
        pollSec: o.pollSec,
        files: o.files.join(","),
        ...(signedIn ? { tokensFile: signedIn.file } : {}),
      },
      // Signed-in users make no login request, so the old login goal is the sign-in's to report.
      overrides: { config: { phases: o.phases, ...(signedIn ? { ensure: { conditions: ENSURE_SIGNED_IN } } : {}) } },
    });
  } finally {
    if (tokensDir) await rm(tokensDir, { recursive: true, force: true });
  }
  const jobs: Owned[] = [];
  const notes: LegacyRun["notes"] = [];
  let firstUploadStart = Infinity;
  let lastUploadEnd = -Infinity;
  let lastCompletion = -Infinity;
  for (const e of run.journal) {
    if (e.kind === "accepted") {
      jobs.push({ id: e.id, email: e.email });
      firstUploadStart = Math.min(firstUploadStart, e.start);
      lastUploadEnd = Math.max(lastUploadEnd, e.end);
    } else if (e.kind === "completed") lastCompletion = Math.max(lastCompletion, e.at);
    else notes.push(e);
  }
  return { register, run, jobs, firstUploadStart, lastUploadEnd, lastCompletion, notes, ...(signIn ? { signIn } : {}) };
}

/** legacy.yml's `ensure` conditions without the login one (a non-strict condition prints, never fails the run). */
const ENSURE_SIGNED_IN = [
  "load.jobs.accepted / vusers.created > 0.90",
  "load.jobs.completed / load.jobs.accepted > 0.85",
  "load.request_ms.upload.p95 < 5000",
].map((expression) => ({ expression, strict: false }));

/** Logs every account in, `registerLanes` at a time; writes email -> access token to `file` for the processor. */
async function signInAll(o: LegacyRunOptions, file: string): Promise<{ file: string; figures: SignIn }> {
  const tokens: Record<string, string> = {};
  const failures: string[] = [];
  const started = Date.now();
  const emails = Array.from({ length: o.users }, (_, i) => legacyEmail(o.runId, i));
  const times = await pool(emails, Math.max(1, o.registerLanes), async (email) => {
    const t0 = Date.now();
    try {
      tokens[email] = await login(o.baseUrl, email, o.password);
    } catch (err) {
      failures.push(`${email} ${(err as Error).message.slice(0, 200)}`);
    }
    return (Date.now() - t0) / 1000;
  });
  await writeFile(file, JSON.stringify(tokens), { mode: 0o600 });
  times.sort((a, b) => a - b);
  const p95Sec = times[Math.min(times.length - 1, Math.floor(0.95 * times.length))] ?? Number.NaN;
  return { file, figures: { ok: Object.keys(tokens).length, failures, wallSec: (Date.now() - started) / 1000, p95Sec } };
}
