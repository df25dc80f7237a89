import type { JobEvent } from "@mp4t/contracts";
import type { EventFeed, JobEvents } from "@mp4t/messaging";
import type { FastifyBaseLogger } from "fastify";

export type JobEventListener = (event: JobEvent, seq: number) => void;

export type JobEventHub = {
  /** Calls `fn` with every new event of the job until the returned function is called. Resolves once live. */
  subscribe(jobId: string, fn: JobEventListener): Promise<() => void>;
  /** Listeners now registered (for stats and tests). */
  size(): number;
  close(): void;
};

const RESTART_MS = 1000;

/**
 * One ordered consumer per gateway on the events stream, from "new" on, fanned out by job id
 * to every open event stream. It carries stream sequences (the SSE ids clients resume with),
 * which a core subscription would not; and its count does not grow with the streams open: the
 * ordered consumer is recreated by the client after a gap and deleted when the hub closes.
 */
export function createJobEventHub(events: Pick<JobEvents, "follow">, logger: Pick<FastifyBaseLogger, "warn">): JobEventHub {
  const listeners = new Map<string, Set<JobEventListener>>();
  let live: Promise<void> | undefined;
  let messages: EventFeed | undefined;
  let closed = false;

  const pump = async (feed: EventFeed) => {
    for await (const { event, seq } of feed) {
      const set = listeners.get(event.jobId);
      if (!set) continue;
      for (const fn of set) fn(event, seq);
    }
  };

  const start = async (): Promise<void> => {
    messages = await events.follow();
    const running = messages;
    void pump(running).catch((err: unknown) => logger.warn({ err }, "job event hub stopped; restarting")).finally(() => {
      if (closed || messages !== running) return;
      live = undefined; // the next subscriber (or the timer) starts a new consumer
      setTimeout(() => void (listeners.size > 0 && !closed && ensure().catch(() => undefined)), RESTART_MS).unref();
    });
  };
  const ensure = () => (live ??= start().catch((err: unknown) => {
    live = undefined;
    throw err;
  }));

  return {
    async subscribe(jobId, fn) {
      if (closed) throw new Error("job event hub closed");
      let set = listeners.get(jobId);
      if (!set) listeners.set(jobId, (set = new Set()));
      set.add(fn);
      const off = () => {
        set.delete(fn);
        if (set.size === 0 && listeners.get(jobId) === set) listeners.delete(jobId);
      };
      try {
        await ensure();
      } catch (err) {
        off();
        throw err;
      }
      return off;
    },
    size: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
    close() {
      closed = true;
      listeners.clear();
      messages?.close();
    },
  };
}
