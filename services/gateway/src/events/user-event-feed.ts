import { feedLifecycle } from "./feed-lifecycle.ts";
import type { JobEventHub } from "./job-event-hub.ts";
import { formatSse, type JobEventFeed } from "./job-event-stream.ts";

/**
 * Every new event of a user's jobs, live from the gateway's shared hub (no consumer per stream,
 * no replay: a client lists its jobs once, then follows this). Never ends by itself: only when
 * the client leaves or the server closes.
 */
export async function openUserEventFeed(hub: JobEventHub, userId: string): Promise<JobEventFeed> {
  let write: ((s: string) => void) | undefined;
  const life = feedLifecycle(await hub.subscribeUser(userId, (event, seq) => write?.(formatSse(event, seq))));
  return {
    close: life.close,
    async pipe(res, { heartbeatMs }) {
      await life.run(res, heartbeatMs, async () => {
        write = (s) => res.write(s);
        if (!life.isClosed()) await life.ended;
      });
    },
  };
}
