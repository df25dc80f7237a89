import type { JobEventHub } from "./job-event-hub.ts";
import { formatSse, type JobEventFeed } from "./job-event-stream.ts";

/**
 * Every new event of a user's jobs, live from the gateway's shared hub (no consumer per stream,
 * no replay: a client lists its jobs once, then follows this). Never ends by itself: only when
 * the client leaves or the server closes.
 */
export async function openUserEventFeed(hub: JobEventHub, userId: string): Promise<JobEventFeed> {
  let write: ((s: string) => void) | undefined;
  const off = await hub.subscribeUser(userId, (event, seq) => write?.(formatSse(event, seq)));
  let wake: (() => void) | undefined;
  let closed = false;
  const close = () => {
    closed = true;
    off();
    wake?.();
  };
  return {
    close,
    async pipe(res, { heartbeatMs }) {
      const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), heartbeatMs);
      const ended = new Promise<void>((resolve) => (wake = resolve));
      res.once("close", close);
      try {
        write = (s) => res.write(s);
        if (!closed) await ended;
      } finally {
        clearInterval(heartbeat);
        res.off("close", close);
        close();
        if (!res.writableEnded) res.end();
      }
    },
  };
}
