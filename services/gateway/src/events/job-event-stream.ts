import type { ServerResponse } from "node:http";
import { isTerminalEvent, type Job, type JobEvent } from "@mp4t/contracts";
import type { JobEvents, StoredEvent } from "@mp4t/messaging";
import type { FastifyBaseLogger } from "fastify";
import { feedLifecycle } from "./feed-lifecycle.ts";
import type { JobEventHub } from "./job-event-hub.ts";
import { progressOrder } from "./progress-order.ts";

/** One server-sent event; the id is the event's stream sequence, so a client can resume with Last-Event-ID. */
export const formatSse = (event: JobEvent, id?: number) => `event: ${event.type}\n${id === undefined ? "" : `id: ${id}\n`}data: ${JSON.stringify(event)}\n\n`;

/** A terminal event made from the job record, for a finished job whose events have expired. */
export function eventFromJob(job: Job): JobEvent | null {
  if (job.status !== "completed" && job.status !== "failed" && job.status !== "canceled") return null;
  return {
    v: 1,
    type: job.status,
    jobId: job.id,
    userId: job.userId,
    status: job.status,
    progress: job.progress,
    ...(job.error ? { error: job.error } : {}),
    at: job.updatedAt,
  };
}

/** Most past events one stream replays (a job has a few dozen). */
const MAX_REPLAY = 2000;

export type JobEventFeed = {
  /** Writes the feed to an SSE response until a terminal event, the client leaving, or `close()`. */
  pipe(res: ServerResponse, opts: { heartbeatMs: number; logger: Pick<FastifyBaseLogger, "warn"> }): Promise<void>;
  close(): void;
};

type Seen = StoredEvent;

/**
 * Opens a job's event feed: listens on the gateway's shared hub first (buffering), then replays
 * the stored events by direct gets, then follows live, dropping anything at or below the last
 * sequence written, and an event stored late (`progressOrder`). A resume replays from
 * the client's last event itself, unwritten, so what the client shows is what a late event is
 * measured against. Opening does every NATS call that can fail, so a caller can still answer 503
 * before it commits to a streaming response.
 */
export async function openJobEventFeed(
  deps: { hub: JobEventHub; events: Pick<JobEvents, "replay">; logger: Pick<FastifyBaseLogger, "warn"> },
  job: Job,
  lastEventId?: number,
): Promise<JobEventFeed> {
  const buffered: Seen[] = [];
  let deliver: (s: Seen) => void = (s) => void buffered.push(s);
  const off = await deps.hub.subscribe(job.id, (event, seq, run) => deliver({ event, seq, run }));
  let past: Seen[];
  try {
    past = await deps.events.replay(job.id, Math.max(0, (lastEventId ?? 0) - 1), {
      max: MAX_REPLAY,
      onInvalid: (seq) => deps.logger.warn({ jobId: job.id, seq }, "skipping an event that does not match the contract"),
    });
  } catch (err) {
    off();
    throw err;
  }
  const life = feedLifecycle(off);

  return {
    close: life.close,
    async pipe(res, { heartbeatMs }) {
      let lastSeq = lastEventId ?? 0;
      let done = false;
      const inOrder = progressOrder();
      const write = (s: Seen) => {
        if (done || s.seq < lastSeq) return;
        // The resumed-from event itself (seq === lastSeq) is only shown to the filter.
        if (!inOrder(s) || s.seq === lastSeq) return;
        lastSeq = s.seq;
        res.write(formatSse(s.event, s.seq));
        if (isTerminalEvent(s.event)) {
          done = true;
          life.finish();
        }
      };
      await life.run(res, heartbeatMs, async () => {
        for (const s of past) write(s);
        for (const s of buffered.splice(0).sort((a, b) => a.seq - b.seq)) write(s);
        if (!done && job.status !== "queued" && job.status !== "processing") {
          // Finished before we looked, and its terminal event has expired (or was never stored).
          const synthetic = lastEventId === undefined ? eventFromJob(job) : null;
          if (synthetic) res.write(formatSse(synthetic));
          done = true;
        }
        if (done || life.isClosed()) return;
        deliver = write;
        await life.ended;
      });
    },
  };
}
