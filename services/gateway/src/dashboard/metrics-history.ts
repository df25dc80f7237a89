import { JOB_STEPS, type JobEvent, type JobStep } from "@mp4t/contracts";

/** The step a job waits for once a step is done: diarization runs inside `assemble`, so no one waits for it. */
const WAITS_FOR: Partial<Record<JobStep, JobStep>> = { ingest: "transcribe", transcribe: "assemble", assemble: "enhance", diarize: "enhance" };

export type HistoryBucket = {
  /** The bucket's start (ISO). */
  at: string;
  completed: number;
  failed: number;
  /** Mean seconds from stage.started to stage.done of the stages that finished in this bucket. */
  stageLatencySec: Partial<Record<JobStep, number>>;
  /** Jobs waiting for each stage (its input ready, not started) at the bucket's end. */
  waiting: Record<JobStep, number>;
};

export type MetricsHistory = { from: string; to: string; bucketSec: number; events: number; buckets: HistoryBucket[] };

const ENDED = new Set(["completed", "failed", "canceled", "deleted"]);

/**
 * Throughput, stage latency and jobs waiting per stage, minute by minute, from the job events
 * alone (no sampler running while nobody looks). Jobs that began before `from` are counted from
 * their first event inside the window. Events must be oldest first.
 */
export function metricsHistory(events: JobEvent[], now: number, minutes: number, bucketSec = 60): MetricsHistory {
  const from = now - minutes * 60_000;
  const size = bucketSec * 1000;
  const count = Math.ceil((now - from) / size);
  const waiting = new Map<string, JobStep>();
  const started = new Map<string, number>();
  const latency = Array.from({ length: count }, () => new Map<JobStep, number[]>());
  const buckets: HistoryBucket[] = Array.from({ length: count }, (_, i) => ({
    at: new Date(from + i * size).toISOString(),
    completed: 0,
    failed: 0,
    stageLatencySec: {},
    waiting: Object.fromEntries(JOB_STEPS.map((s) => [s, 0])) as Record<JobStep, number>,
  }));
  const snapshot = (i: number) => {
    for (const s of JOB_STEPS) buckets[i]!.waiting[s] = 0;
    for (const s of waiting.values()) buckets[i]!.waiting[s]++;
  };
  let next = 0;
  for (const e of events) {
    const t = Date.parse(e.at);
    if (!(t >= from) || t > now) continue;
    const i = Math.min(count - 1, Math.floor((t - from) / size));
    while (next < i) snapshot(next++);
    if (e.type === "queued") waiting.set(e.jobId, "ingest");
    else if (e.type === "stage.started" && e.stage) {
      waiting.delete(e.jobId);
      started.set(`${e.jobId}:${e.stage}`, t);
    } else if (e.type === "stage.done" && e.stage) {
      const t0 = started.get(`${e.jobId}:${e.stage}`);
      if (t0 !== undefined) latency[i]!.set(e.stage, [...(latency[i]!.get(e.stage) ?? []), (t - t0) / 1000]);
      const after = WAITS_FOR[e.stage];
      if (after) waiting.set(e.jobId, after);
    } else if (ENDED.has(e.type)) {
      waiting.delete(e.jobId);
      if (e.type === "completed") buckets[i]!.completed++;
      if (e.type === "failed") buckets[i]!.failed++;
    }
  }
  while (next < count) snapshot(next++);
  latency.forEach((byStage, i) => {
    for (const [stage, secs] of byStage) buckets[i]!.stageLatencySec[stage] = secs.reduce((a, b) => a + b, 0) / secs.length;
  });
  return { from: new Date(from).toISOString(), to: new Date(now).toISOString(), bucketSec, events: events.length, buckets };
}
