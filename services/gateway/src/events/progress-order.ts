import { isTerminalEvent, type JobEvent } from "@mp4t/contracts";

/** Jobs one filter remembers (a user's feed open for days); the one seen longest ago goes first. */
const MAX_JOBS = 10_000;

/**
 * Drops a `progress` event that reached the events stream after a later state of its job. A job
 * record's progress only rises, but each write's event is published by the process that wrote
 * it, after the write: with several transcriber replicas, one chunk's `progress` can be stored
 * after another chunk's, or after the stage's `stage.done`. Such an event carries less progress
 * than one the feed has already written for the job; forwarding it would move a client's bar
 * back and show a finished stage as running. A terminal event or `deleted` ends what is
 * remembered of the job (an owner's retry starts its progress again from 0).
 */
export function progressOrder(): (event: JobEvent) => boolean {
  const highest = new Map<string, number>();
  return (e) => {
    const top = highest.get(e.jobId);
    if (isTerminalEvent(e) || e.type === "deleted") {
      highest.delete(e.jobId);
      return true;
    }
    if (e.type === "progress" && top !== undefined && e.progress < top) return false;
    highest.delete(e.jobId); // re-inserted: the map's order is the order jobs were last seen
    highest.set(e.jobId, Math.max(top ?? 0, e.progress));
    if (highest.size > MAX_JOBS) highest.delete(highest.keys().next().value!);
    return true;
  };
}
