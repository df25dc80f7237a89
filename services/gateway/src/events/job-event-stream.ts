import type { ServerResponse } from "node:http";
import { isTerminal, isTerminalEvent, JobEvent, Streams, Subjects, type Job } from "@mp4t/contracts";
import type { FastifyBaseLogger } from "fastify";
import { DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";

/** One server-sent event; the id is the event's stream sequence, so a client can resume with Last-Event-ID. */
export const formatSse = (event: JobEvent, id?: number) =>
  `event: ${event.type}\n${id === undefined ? "" : `id: ${id}\n`}data: ${JSON.stringify(event)}\n\n`;

/** A terminal event made from the job record, for a finished job whose events have expired. */
export function eventFromJob(job: Job): JobEvent | null {
  if (job.status !== "completed" && job.status !== "failed" && job.status !== "canceled") return null;
  return {
    v: 1, type: job.status, jobId: job.id, userId: job.userId, status: job.status, progress: job.progress,
    ...(job.error ? { error: job.error } : {}), at: job.updatedAt,
  };
}

export type JobEventFeed = {
  /** Writes the feed to an SSE response until a terminal event, the client leaving, or `close()`. */
  pipe(res: ServerResponse, opts: { heartbeatMs: number; logger: Pick<FastifyBaseLogger, "warn"> }): Promise<void>;
  close(): void;
};

/**
 * Opens a job's event feed: an ordered consumer on the events stream filtered to this job,
 * replaying what happened so far and then following live. Opening does every NATS call that can
 * fail, so a caller can still answer 503 before it commits to a streaming response.
 */
export async function openJobEventFeed(deps: { js: JetStreamClient; jsm: JetStreamManager }, job: Job, lastEventId?: number): Promise<JobEventFeed> {
  const subject = Subjects.jobEvents(job.id);
  const startSeq = lastEventId === undefined ? undefined : lastEventId + 1;
  // A finished job gets no more events: replay up to the last one there is, then end.
  let replayEnd = Number.POSITIVE_INFINITY;
  if (isTerminal(job.status)) {
    const last = await deps.jsm.streams.getMessage(Streams.events, { last_by_subj: subject });
    replayEnd = last?.seq ?? 0;
  }
  const nothingToReplay = startSeq !== undefined ? replayEnd < startSeq : replayEnd === 0;
  let messages: ConsumerMessages | undefined;
  if (!nothingToReplay) {
    const consumer = await deps.js.consumers.get(Streams.events, {
      filter_subjects: [subject],
      ...(startSeq === undefined ? {} : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq }),
    });
    messages = await consumer.consume();
  }
  let closed = false;
  let wake: (() => void) | undefined;
  const close = () => {
    closed = true;
    messages?.stop();
    wake?.();
  };

  return {
    close,
    async pipe(res, { heartbeatMs, logger }) {
      const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), heartbeatMs);
      const ended = new Promise<void>((resolve) => (wake = resolve));
      res.once("close", close);
      try {
        if (nothingToReplay) {
          // Resuming clients already have the end; new ones get it from the job record.
          const synthetic = startSeq === undefined ? eventFromJob(job) : null;
          if (synthetic) res.write(formatSse(synthetic));
          return;
        }
        const pump = (async () => {
          for await (const m of messages!) {
            const parsed = JobEvent.safeParse(parseJson(m.string()));
            if (!parsed.success) {
              logger.warn({ jobId: job.id, seq: m.seq }, "skipping an event that does not match the contract");
            } else {
              res.write(formatSse(parsed.data, m.seq));
              if (isTerminalEvent(parsed.data)) return;
            }
            if (m.seq >= replayEnd) {
              const synthetic = eventFromJob(job);
              if (synthetic) res.write(formatSse(synthetic));
              return;
            }
          }
        })();
        await Promise.race([pump, ended]);
      } catch (err) {
        logger.warn({ err, jobId: job.id }, "event stream failed; closing it");
      } finally {
        clearInterval(heartbeat);
        res.off("close", close);
        close();
        if (!res.writableEnded) res.end();
      }
    },
  };
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
