import type { JobEvent } from "@mp4t/contracts";
import type { EventFeed, JobEvents } from "@mp4t/messaging";
import type { FastifyBaseLogger } from "fastify";

/** `run`: the job's run that published the event (see `StoredEvent`). */
export type JobEventListener = (event: JobEvent, seq: number, run: number) => void;

export type JobEventHub = {
  /** Calls `fn` with every new event of the job until the returned function is called. Resolves once live. */
  subscribe(jobId: string, fn: JobEventListener): Promise<() => void>;
  /** The same for every event of the user's jobs (`GET /v1/events`). */
  subscribeUser(userId: string, fn: JobEventListener): Promise<() => void>;
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
  const userListeners = new Map<string, Set<JobEventListener>>();
  let live: Promise<void> | undefined;
  let messages: EventFeed | undefined;
  let closed = false;

  const pump = async (feed: EventFeed) => {
    for await (const { event, seq, run } of feed) {
      for (const fn of listeners.get(event.jobId) ?? []) fn(event, seq, run);
      for (const fn of userListeners.get(event.userId) ?? []) fn(event, seq, run);
    }
  };

  const start = async (): Promise<void> => {
    messages = await events.follow();
    const running = messages;
    void pump(running)
      .catch((err: unknown) => logger.warn({ err }, "job event hub stopped; restarting"))
      .finally(() => {
        if (closed || messages !== running) return;
        live = undefined; // the next subscriber (or the timer) starts a new consumer
        setTimeout(() => void (listeners.size + userListeners.size > 0 && !closed && ensure().catch(() => undefined)), RESTART_MS).unref();
      });
  };
  const ensure = () =>
    (live ??= start().catch((err: unknown) => {
      live = undefined;
      throw err;
    }));

  /** Registers `fn` under `key`, then makes sure the consumer runs; resolves to the unsubscribe. */
  const add = async (map: Map<string, Set<JobEventListener>>, key: string, fn: JobEventListener) => {
    if (closed) throw new Error("job event hub closed");
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(fn);
    const off = () => {
      set.delete(fn);
      if (set.size === 0 && map.get(key) === set) map.delete(key);
    };
    try {
      await ensure();
    } catch (err) {
      off();
      throw err;
    }
    return off;
  };

  return {
    subscribe: (jobId, fn) => add(listeners, jobId, fn),
    subscribeUser: (userId, fn) => add(userListeners, userId, fn),
    size: () => [...listeners.values(), ...userListeners.values()].reduce((n, s) => n + s.size, 0),
    close() {
      closed = true;
      listeners.clear();
      userListeners.clear();
      messages?.close();
    },
  };
}
