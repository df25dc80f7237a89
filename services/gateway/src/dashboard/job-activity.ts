import { JOB_STEPS, isUserMistake, type JobEvent, type JobStatus, type JobStep } from "@mp4t/contracts";

/** One job as the recent events tell it (the job store is keyed per user; the events stream is global). */
export type RecentJob = {
  id: string;
  status: JobStatus;
  progress: number;
  stage: JobStep | null;
  error: { code: string; message: string } | null;
  firstSeen: string;
  updatedAt: string;
};

export type StageLatency = { stage: JobStep; count: number; avgSec: number; p50Sec: number; p95Sec: number; maxSec: number };

export type JobActivity = {
  window: { events: number; from: string | null; to: string | null };
  jobs: { seen: number; queued: number; completed: number; failed: number; canceled: number; active: number };
  /** completed / (completed + failed) among jobs that finished inside the window; null if none did. */
  successRate: number | null;
  /** Jobs finished per minute over the window (completed and failed). */
  throughputPerMin: { completed: number; failed: number };
  failuresByCode: Record<string, number>;
  stageLatency: StageLatency[];
  recentJobs: RecentJob[];
};

/**
 * The health policy's success rate: completed / (completed + failures the system caused). Jobs
 * failed on the user's mistake (bad media, an unsupported language or engine: contracts'
 * USER_MISTAKE_CODES) say nothing about the system's health. Null if no job finished.
 */
export function systemSuccessRate(a: Pick<JobActivity, "jobs" | "failuresByCode">): number | null {
  const mistakes = Object.entries(a.failuresByCode).reduce((n, [code, count]) => n + (isUserMistake(code) ? count : 0), 0);
  const ended = a.jobs.completed + a.jobs.failed - mistakes;
  return ended > 0 ? round(a.jobs.completed / ended) : null;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Summarizes a window of job events (oldest first): counts, success rate, throughput, per-stage
 * latency from stage.started to stage.done, and the most recently active jobs.
 */
export function summarizeJobEvents(events: readonly JobEvent[], opts: { recent?: number } = {}): JobActivity {
  const jobs = new Map<string, RecentJob>();
  const started = new Map<string, number>(); // `${job}:${stage}` -> ms
  const durations = new Map<JobStep, number[]>();
  const finished = { completed: 0, failed: 0, canceled: 0 };
  const failuresByCode: Record<string, number> = {};

  for (const e of events) {
    const at = Date.parse(e.at);
    const job = jobs.get(e.jobId) ?? {
      id: e.jobId,
      status: e.status,
      progress: e.progress,
      stage: null,
      error: null,
      firstSeen: e.at,
      updatedAt: e.at,
    };
    job.status = e.status;
    job.progress = Math.max(job.progress, e.progress);
    job.updatedAt = e.at;
    if (e.stage) job.stage = e.stage;
    if (e.error) job.error = { code: e.error.code, message: e.error.message };
    jobs.set(e.jobId, job);

    if (e.type === "stage.started" && e.stage) started.set(`${e.jobId}:${e.stage}`, at);
    if (e.type === "stage.done" && e.stage) {
      const t0 = started.get(`${e.jobId}:${e.stage}`);
      if (t0 !== undefined) (durations.get(e.stage) ?? durations.set(e.stage, []).get(e.stage)!).push((at - t0) / 1000);
    }
    if (e.type === "completed") finished.completed++;
    if (e.type === "canceled") finished.canceled++;
    if (e.type === "failed") {
      finished.failed++;
      const code = e.error?.code ?? "UNKNOWN";
      failuresByCode[code] = (failuresByCode[code] ?? 0) + 1;
    }
  }

  const from = events[0]?.at ?? null;
  const to = events.at(-1)?.at ?? null;
  const minutes = from && to ? Math.max(1 / 60, (Date.parse(to) - Date.parse(from)) / 60_000) : 1;
  const all = [...jobs.values()];
  const ended = finished.completed + finished.failed;
  return {
    window: { events: events.length, from, to },
    jobs: {
      seen: all.length,
      queued: all.filter((j) => j.status === "queued").length,
      completed: finished.completed,
      failed: finished.failed,
      canceled: finished.canceled,
      active: all.filter((j) => j.status === "processing").length,
    },
    successRate: ended ? round(finished.completed / ended) : null,
    throughputPerMin: { completed: round(finished.completed / minutes), failed: round(finished.failed / minutes) },
    failuresByCode,
    stageLatency: JOB_STEPS.flatMap((stage) => {
      const d = (durations.get(stage) ?? []).sort((a, b) => a - b);
      if (!d.length) return [];
      return [
        {
          stage,
          count: d.length,
          avgSec: round(d.reduce((a, b) => a + b, 0) / d.length),
          p50Sec: round(quantile(d, 0.5)),
          p95Sec: round(quantile(d, 0.95)),
          maxSec: round(d.at(-1)!),
        },
      ];
    }),
    recentJobs: all.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, opts.recent ?? 20),
  };
}
