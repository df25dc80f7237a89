import type { ServerResponse } from "node:http";

/**
 * What every event feed shares: `close()` (the server closing, or the client leaving) stops the
 * listener and ends the wait; `run` sends keep-alive comments while `body` runs and ends the
 * response after it, however it ended.
 */
export function feedLifecycle(off: () => void) {
  let closed = false;
  let wake: (() => void) | undefined;
  const ended = new Promise<void>((resolve) => (wake = resolve));
  const close = () => {
    closed = true;
    off();
    wake?.();
  };
  return {
    close,
    isClosed: () => closed,
    /** Resolves once `close()` or `finish()` is called. */
    ended,
    /** Ends the wait without closing (the feed's last event was written). */
    finish: () => wake?.(),
    async run(res: ServerResponse, heartbeatMs: number, body: () => Promise<void>): Promise<void> {
      const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), heartbeatMs);
      res.once("close", close);
      try {
        await body();
      } finally {
        clearInterval(heartbeat);
        res.off("close", close);
        close();
        if (!res.writableEnded) res.end();
      }
    },
  };
}
