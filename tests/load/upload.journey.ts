/**
 * The upload scenario (was tests/load/upload.k6.js), on Artillery (scenarios/upload.yml): `users`
 * accounts registered first (scenarios/register.yml), then `vus` interactive and `batchVus` batch
 * virtual users arriving at once, each running `iterations` journeys (upload, poll until done,
 * fetch the transcript). Every accepted job is returned with its owner so the caller can check
 * through the API that none was lost.
 */
import { LOAD_EMAIL_DOMAIN } from "./load-env.ts";
import { runArtillery, type ArtilleryRun } from "./artillery.ts";

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
  /** Hard stop of the whole run (Artillery is killed). */
  durationSec: number;
};

export type Owned = { id: string; email: string };

export type UploadRun = {
  register: ArtilleryRun;
  run: ArtilleryRun;
  /** `ensure` conditions that did not hold (empty: the run passed). */
  failed: string[];
  jobs: Owned[];
  /** Seconds from the first upload's start to the last completion; jobs completed in it. */
  windowSec: number;
  completed: number;
};

export const loadEmail = (runId: string, i: number) => `load-${runId}-${i}@${LOAD_EMAIL_DOMAIN}`;

export async function runUploadScenario(o: UploadRunOptions): Promise<UploadRun> {
  const common = { accountPrefix: `load-${o.runId}`, users: o.users, password: o.password };
  const register = await runArtillery({
    scenario: "register.yml",
    target: o.baseUrl,
    variables: common,
    timeoutMs: 120_000,
    overrides: { config: { phases: [{ name: "register", duration: 1, arrivalCount: Math.min(o.users, 10) }] } },
  });
  if (register.exitCode !== 0) throw new Error(`registration failed (artillery exit ${register.exitCode}):\n${register.output}`);
  const run = await runArtillery({
    scenario: "upload.yml",
    target: o.baseUrl,
    timeoutMs: o.durationSec * 1000,
    variables: {
      ...common,
      interactiveUsers: o.vus,
      iterations: o.iterations,
      maxWaitSec: o.maxWaitSec,
      pollSec: o.pollSec ?? 0.25,
      files: o.files.join(","),
    },
    overrides: { config: { phases: [{ name: "users", duration: 1, arrivalCount: o.vus + o.batchVus }] } },
  });
  const failed = [...run.ensure.filter((e) => !e.ok).map((e) => e.expression), ...(run.exitCode !== 0 ? [`artillery exit code ${run.exitCode}`] : [])];
  const jobs: Owned[] = [];
  let first = Infinity;
  let last = -Infinity;
  let completed = 0;
  for (const e of run.journal) {
    if (e.kind === "accepted") {
      jobs.push({ id: e.id, email: e.email });
      first = Math.min(first, e.start);
    } else if (e.kind === "completed") {
      completed++;
      last = Math.max(last, e.at);
    }
  }
  return { register, run, failed, jobs, windowSec: (last - first) / 1000, completed };
}
