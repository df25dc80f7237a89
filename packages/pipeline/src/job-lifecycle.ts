import { canTransition, isTerminal, type ErrorCode, type Job, type JobEvent, type JobStatus, type JobStep } from "@mp4t/contracts";
import type { Publisher } from "@mp4t/messaging";
import type { JobRef, JobStore } from "@mp4t/stores";

/** Where each step's work sits in the job's overall progress (0..1). */
export const STAGE_PROGRESS: Record<JobStep, [number, number]> = {
  ingest: [0, 0.1],
  transcribe: [0.1, 0.8],
  assemble: [0.8, 0.85],
  diarize: [0.85, 0.9],
  enhance: [0.9, 1],
};

const now = () => new Date().toISOString();

/**
 * The job state machine, shared by every worker: store first (compare-and-set), then the event.
 * Each call is idempotent, so a redelivered message replays it harmlessly; calls on a job that
 * has already ended (canceled, failed) resolve to `null` and the caller stops its work.
 */
export type JobLifecycle = ReturnType<typeof createJobLifecycle>;

export function createJobLifecycle(deps: { jobs: JobStore; publisher: Publisher }) {
  const { jobs, publisher } = deps;

  const emit = (job: Job, type: JobEvent["type"], stage?: JobStep, version?: number) =>
    publisher.event(
      {
        v: 1,
        type,
        jobId: job.id,
        userId: job.userId,
        status: job.status,
        progress: job.progress,
        ...(stage ? { stage } : {}),
        ...(job.error ? { error: job.error } : {}),
        ...(version ? { version } : {}),
        at: now(),
      },
      job.attempts, // a later run's events are not taken for this run's re-sends
    );

  /**
   * Applies a change unless the job has ended; returns the job after it, or null if ended/missing.
   * `changed` is decided again on every compare-and-set attempt: an attempt on an older record
   * (refused by the store) may have changed it, and the record that is finally current may have
   * ended meanwhile. Reporting the refused attempt's change would re-emit an event (a second
   * `stage.done`, with the ended job's progress, so a different message id) for work done once.
   */
  async function change(ref: JobRef, fn: (job: Job) => Job | undefined): Promise<{ job: Job; changed: boolean } | null> {
    let changed = false;
    const job = await jobs.updateJob(ref, (j) => {
      changed = false;
      if (isTerminal(j.status)) return undefined;
      const next = fn(j);
      changed = next !== undefined;
      return next;
    });
    if (!job || (isTerminal(job.status) && !changed)) return null;
    return { job, changed };
  }

  const toStatus = (j: Job, status: JobStatus): JobStatus => {
    if (!canTransition(j.status, status)) throw new Error(`illegal job transition ${j.status} -> ${status}`);
    return status;
  };

  /** failed -> processing (the one exception to the state machine), error and failed marks cleared, then `adjust`. */
  async function reopenWith(ref: JobRef, adjust: (job: Job) => Job): Promise<Job | null> {
    let reopened = false;
    const job = await jobs.updateJob(ref, (j) => {
      reopened = j.status === "failed"; // re-set on every compare-and-set attempt
      if (!reopened) return undefined;
      const { error: _error, reaped: _reaped, ...rest } = j; // a fresh reaper budget too
      const stages = Object.fromEntries(Object.entries(j.stages).map(([s, st]) => [s, st.status === "failed" ? { ...st, status: "pending" as const } : st]));
      return adjust({ ...rest, status: "processing", stages });
    });
    if (!job || !reopened) return null;
    await emit(job, "progress");
    return job;
  }

  return {
    /** Marks a stage running (and the job processing). Null: the job ended; stop. */
    async stageStarted(ref: JobRef, stage: JobStep): Promise<Job | null> {
      const r = await change(ref, (j) => {
        if (j.stages[stage]?.status === "running" || j.stages[stage]?.status === "done") return undefined;
        return {
          ...j,
          status: toStatus(j, "processing"),
          progress: Math.max(j.progress, STAGE_PROGRESS[stage][0]),
          stages: { ...j.stages, [stage]: { status: "running", startedAt: now() } },
        };
      });
      if (r?.changed) await emit(r.job, "stage.started", stage);
      return r?.job ?? null;
    },

    /** Records overall progress within a stage (fraction 0..1 of that stage). */
    async progress(ref: JobRef, stage: JobStep, fraction: number, patch: Partial<Job> = {}): Promise<Job | null> {
      const [lo, hi] = STAGE_PROGRESS[stage];
      const p = lo + (hi - lo) * Math.min(1, Math.max(0, fraction));
      const r = await change(ref, (j) => ({ ...j, ...patch, progress: Math.max(j.progress, p) }));
      if (r?.changed) await emit(r.job, "progress", stage);
      return r?.job ?? null;
    },

    /**
     * Records one transcribed chunk in a single compare-and-set (deduplicated, so a redelivery
     * adds nothing) and raises progress within the transcribe stage. `allDone` is true whenever
     * every chunk is recorded after this call, so a replay of the last chunk still reports it
     * and the fan-in command can be re-sent (its Nats-Msg-Id dedups it). Null: the job ended.
     * The write that records the last chunk also marks the stage done (one write, not two).
     * `busySec`, the seconds a slot spent on the chunk, is added to `chunks.busySec` with it (once),
     * and `chunks.busyChunks` counts it.
     */
    async chunkDone(ref: JobRef, index: number, busySec?: number): Promise<{ job: Job; allDone: boolean } | null> {
      let last = false;
      const r = await change(ref, (j) => {
        if (!j.chunks) throw new Error(`job ${j.id} has no chunk plan`);
        if (j.chunks.done.includes(index)) return undefined;
        const done = [...j.chunks.done, index].sort((a, b) => a - b);
        const [lo, hi] = STAGE_PROGRESS.transcribe;
        const p = lo + ((hi - lo) * done.length) / Math.max(1, j.chunks.count);
        last = done.length >= j.chunks.count;
        const stages = last ? { ...j.stages, transcribe: { ...j.stages.transcribe, status: "done" as const, finishedAt: now() } } : j.stages;
        const busy =
          busySec === undefined
            ? {}
            : { busySec: Math.round(((j.chunks.busySec ?? 0) + Math.max(0, busySec)) * 1000) / 1000, busyChunks: (j.chunks.busyChunks ?? 0) + 1 };
        return { ...j, chunks: { ...j.chunks, done, ...busy }, stages, progress: Math.max(j.progress, Math.min(hi, p)) };
      });
      if (!r) return null;
      if (r.changed) await emit(r.job, last ? "stage.done" : "progress", "transcribe");
      const chunks = r.job.chunks;
      return { job: r.job, allDone: !!chunks && chunks.done.length >= chunks.count };
    },

    /** Marks a stage done, merging `patch` (media info, chunk plan) into the job. */
    async stageDone(ref: JobRef, stage: JobStep, patch: Partial<Job> = {}): Promise<Job | null> {
      const r = await change(ref, (j) => {
        if (j.stages[stage]?.status === "done") return undefined;
        return {
          ...j,
          ...patch,
          progress: Math.max(j.progress, STAGE_PROGRESS[stage][1]),
          stages: { ...j.stages, [stage]: { ...j.stages[stage], status: "done", finishedAt: now() } },
        };
      });
      if (r?.changed) await emit(r.job, "stage.done", stage);
      return r?.job ?? null;
    },

    /**
     * The assemble step is done, and with it the diarization inside it: `done` when speakers were
     * labelled, `skipped` when the job asked for none. One write, so the two never disagree.
     */
    async assembled(ref: JobRef, diarized: boolean): Promise<Job | null> {
      const r = await change(ref, (j) => {
        if (j.stages.assemble?.status === "done") return undefined;
        const at = now();
        return {
          ...j,
          progress: Math.max(j.progress, STAGE_PROGRESS.diarize[1]),
          stages: {
            ...j.stages,
            assemble: { ...j.stages.assemble, status: "done", finishedAt: at },
            diarize: diarized ? { startedAt: j.stages.assemble?.startedAt ?? at, status: "done", finishedAt: at } : { status: "skipped", finishedAt: at },
          },
        };
      });
      if (r?.changed) await emit(r.job, "stage.done", "assemble");
      return r?.job ?? null;
    },

    async skipStage(ref: JobRef, stage: JobStep): Promise<Job | null> {
      const r = await change(ref, (j) => (j.stages[stage] ? undefined : { ...j, stages: { ...j.stages, [stage]: { status: "skipped", finishedAt: now() } } }));
      return r?.job ?? null;
    },

    /** Completes the job; `lastStage`, if given, is marked done in the same write, with `patch`'s fields (from the current record). */
    async complete(ref: JobRef, lastStage?: JobStep, patch?: (j: Job) => Partial<Job>): Promise<Job | null> {
      let completed: Job | null = null;
      const job = await jobs.updateJob(ref, (j) => {
        if (j.status === "completed" || isTerminal(j.status)) return undefined;
        const stages =
          lastStage && j.stages[lastStage]?.status !== "done"
            ? { ...j.stages, [lastStage]: { ...j.stages[lastStage], status: "done" as const, finishedAt: now() } }
            : j.stages;
        return { ...j, ...patch?.(j), stages, status: toStatus(j, "completed"), progress: 1, completedAt: now() };
      });
      if (job?.status === "completed") completed = job;
      // Re-emitting on a replay is harmless: the event's Nats-Msg-Id dedups it.
      if (completed && lastStage) await emit(completed, "stage.done", lastStage);
      if (completed) await emit(completed, "completed");
      return completed;
    },

    /** Fails the job with a stable code; a no-op if it has already ended. */
    async fail(ref: JobRef, code: ErrorCode, message: string, stage?: JobStep): Promise<Job | null> {
      const job = await jobs.updateJob(ref, (j) => {
        if (isTerminal(j.status)) return undefined;
        return {
          ...j,
          status: toStatus(j, "failed"),
          error: { code, message },
          stages: stage ? { ...j.stages, [stage]: { ...j.stages[stage], status: "failed", finishedAt: now() } } : j.stages,
        };
      });
      if (job?.status === "failed") await emit(job, "failed", stage);
      return job;
    },

    async cancel(ref: JobRef): Promise<Job | null> {
      const job = await jobs.updateJob(ref, (j) =>
        isTerminal(j.status) ? undefined : { ...j, status: toStatus(j, "canceled"), error: { code: "CANCELED", message: "canceled by the user" } },
      );
      if (job?.status === "canceled") await emit(job, "canceled");
      return job;
    },

    /**
     * The one exception to the state machine (failed is otherwise terminal): an admin re-drive of
     * a dead letter puts a failed job back to `processing`, clearing its error and the failed
     * stage's mark, so the re-driven message resumes it at the stage that failed (handlers are
     * idempotent and skip work already stored). It counts one more run in `attempts`, so the
     * run's commands and events get message ids of their own (a second failure at the same stage
     * and progress inside the duplicate window is stored, not dropped as a re-send). Only the
     * dead-letter re-drive calls this. Resolves to the reopened job, or null if it is not failed (or gone).
     */
    async reopen(ref: JobRef): Promise<Job | null> {
      return reopenWith(ref, (j) => ({ ...j, attempts: (j.attempts ?? 1) + 1 }));
    },

    /**
     * The owner's retry (`POST /v1/jobs/:id/retry`): reopens a failed job like `reopen`, counts
     * one more attempt, and with `restart` clears the stage record and chunk plan so the job runs
     * again from ingest (its intermediate results are gone). Null if the job is not failed.
     */
    async retry(ref: JobRef, opts: { restart: boolean }): Promise<Job | null> {
      return reopenWith(ref, (j) => {
        const next = { ...j, attempts: (j.attempts ?? 1) + 1 };
        if (!opts.restart) return next;
        const { chunks: _chunks, ...rest } = next;
        return { ...rest, stages: {}, progress: 0 };
      });
    },

    async queued(job: Job): Promise<void> {
      await emit(job, "queued");
    },

    /** A completed job's transcript has a new current version (search indexes and SSE clients follow it). */
    async transcriptUpdated(job: Job, version: number): Promise<void> {
      await emit(job, "transcript.updated", undefined, version);
    },

    /** The user deleted the job (its data goes with the janitor's cleanup); search indexes drop it now. */
    async deleted(job: Job): Promise<void> {
      await emit(job, "deleted");
    },
  };
}
