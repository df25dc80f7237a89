import { JobEvent, Subjects } from "@mp4t/contracts";
import type { NatsConnection } from "@nats-io/transport-node";
import { AppError } from "@mp4t/runtime";

export type CancelWatch = {
  /** Aborts when the job is canceled or fails elsewhere, or when `parent` aborts. */
  signal: AbortSignal;
  /** True once the job itself ended (not the runner's deadline or shutdown). */
  ended(): boolean;
  [Symbol.dispose](): void;
};

/**
 * Watches a job's events subject while a handler runs a long step (an engine, ffmpeg), so a
 * DELETE, or a failure in another replica's chunk, stops the work at once rather than after it.
 * `ready` resolves once the server has the subscription: a handler awaits it before reading the
 * job, so a cancel is either seen in the job record or arrives as an event, never missed.
 * Without a connection (unit tests) nothing is watched and only `parent` aborts.
 */
export function watchJobEndOn(nc: NatsConnection | undefined, jobId: string, parent: AbortSignal): CancelWatch & { ready: Promise<void> } {
  const ac = new AbortController();
  let ended = false;
  const onParent = () => ac.abort(parent.reason);
  if (parent.aborted) onParent();
  else parent.addEventListener("abort", onParent, { once: true });
  const sub = nc?.subscribe(Subjects.jobEvents(jobId), {
    callback: (err, m) => {
      if (err) return;
      const e = JobEvent.safeParse(m.json());
      if (!e.success || (e.data.type !== "canceled" && e.data.type !== "failed")) return;
      ended = true;
      ac.abort(new AppError("CANCELED", `the job was ${e.data.type} while this stage ran`));
    },
  });
  return {
    signal: ac.signal,
    ended: () => ended,
    ready: nc ? nc.flush() : Promise.resolve(),
    [Symbol.dispose]() {
      parent.removeEventListener("abort", onParent);
      sub?.unsubscribe();
    },
  };
}

/** The same through the `JobEvents` port; without one (unit tests) only `parent` aborts. */
export function watchJobEnd(events: { watchEnd(jobId: string, parent: AbortSignal): CancelWatch & { ready: Promise<void> } } | undefined, jobId: string, parent: AbortSignal): CancelWatch & { ready: Promise<void> } {
  return events ? events.watchEnd(jobId, parent) : watchJobEndOn(undefined, jobId, parent);
}
