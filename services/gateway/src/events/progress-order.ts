import { isTerminalEvent, type JobEvent } from "@mp4t/contracts";

/** Jobs one filter remembers (a user's feed open for days); the one seen longest ago goes first. */
const MAX_JOBS = 1000;

/** What a feed has written of one job: its run, the highest progress in it, and whether the run ended. */
type Seen = { run: number; highest: number; ended: boolean };

/**
 * Drops an event that reached the events stream after a later state of its job. A job record's
 * progress only rises within a run (every write takes the maximum; only a retry, which starts a
 * new run, sets it back), and every event carries the progress of the write it announces. But
 * each write's event is published by the process that wrote it, after the write: with several
 * transcriber replicas one chunk's `progress` can be stored after another chunk's, after the
 * stage's `stage.done`, or after the job's `failed`. Such an event carries less progress than one
 * the feed has already written for the job in the same run, or comes after that run's end; written,
 * it moves a client's bar back or shows an ended job as running. A run's terminal event,
 * `deleted` and `transcript.updated` always pass; nothing else of a job passes after its
 * `deleted` (a late event would show a deleted job as running). Any event of an earlier run than the feed has
 * seen is dropped; one of a later run (an owner's retry, a re-drive: `run` comes from the message
 * id) starts the job afresh, so the retry's progress from 0 passes.
 */
export function progressOrder(): (s: { event: JobEvent; run: number }) => boolean {
  const jobs = new Map<string, Seen>();
  const remember = (jobId: string, seen: Seen) => {
    jobs.delete(jobId); // re-inserted: the map's order is the order jobs were last seen
    jobs.set(jobId, seen);
    if (jobs.size > MAX_JOBS) jobs.delete(jobs.keys().next().value!);
  };
  return ({ event: e, run }) => {
    const seen = jobs.get(e.jobId);
    if (e.type === "deleted") {
      // Final (a job id is never used again): any event of the job stored after it is late.
      remember(e.jobId, { run: Number.POSITIVE_INFINITY, highest: Number.POSITIVE_INFINITY, ended: true });
      return true;
    }
    if (e.type === "transcript.updated") return true;
    if (!seen || run > seen.run) {
      remember(e.jobId, { run, highest: e.progress, ended: isTerminalEvent(e) });
      return true;
    }
    if (run < seen.run) return false; // a run since superseded, its end included
    if (isTerminalEvent(e)) {
      remember(e.jobId, { ...seen, ended: true });
      return true;
    }
    if (seen.ended || e.progress < seen.highest) return false;
    remember(e.jobId, { ...seen, highest: e.progress });
    return true;
  };
}
