/**
 * The replaced Python/Celery backend's load test (was tests/load/legacy-load.k6.js), on Artillery
 * (scenarios/legacy.yml): `users` accounts registered first, `registerLanes` at a time
 * (scenarios/register.yml), so registration (scrypt) is measured apart from login; then users
 * arrive by `phases` (Artillery's: `arrivalCount` over a duration, `arrivalRate` with `rampTo`),
 * each logging in, uploading one file, polling its job until it completes (bounded by
 * `maxWaitSec`) and fetching the transcript.
 *
 * The old goals are the caller's to judge (legacy.yml prints them as optional `ensure` lines).
 * Every accepted job is returned with its owner so the caller can check through the API that
 * none was lost.
 */
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
};

export type LegacyRun = {
  register: ArtilleryRun;
  run: ArtilleryRun;
  jobs: Owned[];
  /** Exact times from the journal (ms since the epoch). */
  firstUploadStart: number;
  lastUploadEnd: number;
  lastCompletion: number;
  notes: Extract<JournalEntry, { text: string }>[];
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
  const run = await runArtillery({
    scenario: "legacy.yml",
    target: o.baseUrl,
    timeoutMs: o.durationSec * 1000,
    variables: { ...common, maxWaitSec: o.maxWaitSec, pollSec: o.pollSec, files: o.files.join(",") },
    overrides: { config: { phases: o.phases } },
  });
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
  return { register, run, jobs, firstUploadStart, lastUploadEnd, lastCompletion, notes };
}
