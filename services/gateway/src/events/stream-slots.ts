import type { ServerResponse } from "node:http";
import { AppError } from "@mp4t/contracts";
import type { FastifyBaseLogger, FastifyReply } from "fastify";
import type { JobEventFeed } from "./job-event-stream.ts";

type Closable = { close(): void };

/**
 * The event streams open on this replica, shared by both SSE routes: at most `maxPerUser` per
 * user (429 TOO_MANY_STREAMS), counted for the instance's stats, and ended when the server closes.
 */
export function streamSlots(opts: { maxPerUser: number; onOpen?: ((open: number) => void) | undefined }) {
  const open = new Set<Closable>();
  const perUser = new Map<string, number>();
  const slots = {
    /** Takes one of the user's slots, or throws; resolves to its release (safe to call twice). */
    acquire(userId: string): () => void {
      if ((perUser.get(userId) ?? 0) >= opts.maxPerUser) {
        throw new AppError("TOO_MANY_STREAMS", `you have ${opts.maxPerUser} event streams open; close one first`);
      }
      perUser.set(userId, (perUser.get(userId) ?? 0) + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const n = (perUser.get(userId) ?? 1) - 1;
        if (n > 0) perUser.set(userId, n);
        else perUser.delete(userId);
      };
    },
    /** Runs an open stream until it ends, counted as open meanwhile. */
    async hold(feed: Closable, run: () => Promise<void>): Promise<void> {
      open.add(feed);
      opts.onOpen?.(open.size);
      try {
        await run();
      } finally {
        open.delete(feed);
        opts.onOpen?.(open.size);
      }
    },
    closeAll() {
      for (const feed of open) feed.close();
    },
    /**
     * Serves one stream: a slot of the user's, the feed opened (every NATS call that can fail, so
     * the answer can still be 503), then the response taken over until the feed ends.
     */
    async serve(
      reply: FastifyReply,
      userId: string,
      openFeed: () => Promise<JobEventFeed>,
      pipe: { heartbeatMs: number; logger: Pick<FastifyBaseLogger, "warn"> },
    ) {
      const release = slots.acquire(userId);
      let feed: JobEventFeed;
      try {
        feed = await openFeed();
      } catch (err) {
        release();
        throw new AppError("SERVICE_UNAVAILABLE", "the event stream is unavailable; retry later", { cause: err });
      }
      const res = startSse(reply);
      try {
        await slots.hold(feed, () => feed.pipe(res, pipe));
      } finally {
        release();
      }
    },
  };
  return slots;
}
export type StreamSlots = ReturnType<typeof streamSlots>;

/** Takes the response over for server-sent events: status, headers (helmet's kept), a first comment. */
export function startSse(reply: FastifyReply): ServerResponse {
  reply.hijack();
  reply.raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>), // helmet's headers: hijacking skips Fastify's send
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  reply.raw.write(": connected\n\n");
  return reply.raw;
}
