import type { JobEvents, StoredEvent } from "@mp4t/messaging";
import { feedLifecycle } from "./feed-lifecycle.ts";
import type { JobEventHub } from "./job-event-hub.ts";
import { formatSse, type JobEventFeed } from "./job-event-stream.ts";
import { progressOrder } from "./progress-order.ts";

/** Stored events of all users one resume may scan for the caller's (a few minutes of a busy system). */
const MAX_SCAN = 10_000;

/**
 * Stored events of all users before the resume point a resume reads to learn what the client was
 * last shown of each job (a late event is measured against it): about 5 s of this machine's
 * busiest (90 events a second at 6.8 jobs a second), where an event is stored late by well under
 * one. One more batched direct get per resume, about 150 KB: a thousand clients resuming at once
 * after a gateway restart read 150 MB from nats-server between them.
 */
const SEED_SCAN = 500;

/** Sent first when a resume cannot be complete (events expired, or too many to scan): reload the list. */
export const RESYNC_SSE = 'event: resync\ndata: {"reason":"missed events are no longer available; reload"}\n\n';

/**
 * Every new event of a user's jobs, live from the gateway's shared hub (no consumer per stream).
 * With `lastEventId` (Last-Event-ID, or `?last_event_id=`), first the events of the user's jobs
 * stored after it, by batched direct gets (no consumer either): the hub listener is registered
 * first and buffers, so an event is either in the replay or arrives live, and one seen by both is
 * written once. An event stored after a later state of its job is dropped (`progressOrder`);
 * a resume first shows the filter, unwritten, the user's events among the `SEED_SCAN` stored up
 * to the resume point, so that a late event is measured against what the client was shown before
 * it. Never ends by itself: only when the client leaves or the server closes.
 */
export async function openUserEventFeed(
  deps: { hub: JobEventHub; events: Pick<JobEvents, "replayUser"> },
  userId: string,
  lastEventId?: number,
): Promise<JobEventFeed> {
  const buffered: StoredEvent[] = [];
  let deliver: (s: StoredEvent) => void = (s) => void buffered.push(s);
  const off = await deps.hub.subscribeUser(userId, (event, seq, run) => deliver({ event, seq, run }));
  let past: Awaited<ReturnType<JobEvents["replayUser"]>> = { events: [], seed: [], scannedTo: 0, complete: true };
  if (lastEventId !== undefined) {
    try {
      past = await deps.events.replayUser(userId, lastEventId, { maxScan: MAX_SCAN, seedScan: SEED_SCAN });
    } catch (err) {
      off();
      throw err;
    }
  }
  const life = feedLifecycle(off);
  return {
    close: life.close,
    async pipe(res, { heartbeatMs }) {
      await life.run(res, heartbeatMs, async () => {
        if (!past.complete) res.write(RESYNC_SSE);
        const inOrder = progressOrder();
        for (const s of past.seed) inOrder(s); // shown to the filter only: the client was shown them, or later states
        for (const s of past.events) if (inOrder(s)) res.write(formatSse(s.event, s.seq));
        let lastSeq = past.scannedTo; // the replay saw everything up to here, the caller's or not
        const write = (s: StoredEvent) => {
          if (s.seq <= lastSeq || !inOrder(s)) return;
          lastSeq = s.seq;
          res.write(formatSse(s.event, s.seq));
        };
        for (const s of buffered.splice(0).sort((a, b) => a.seq - b.seq)) write(s);
        deliver = write;
        if (!life.isClosed()) await life.ended;
      });
    },
  };
}
