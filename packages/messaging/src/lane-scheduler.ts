import { FAIR_BUCKETS, JOB_CLASSES, type JobClass } from "@mp4t/contracts";

/** One durable consumer a worker pulls from: a (class, fairness bucket) of its stage. */
export type Source = { cls: JobClass; bucket: number; key: string };

type SourceState = Source & { pending: number; ackPending: number; probedAt: number; heard: boolean };

/**
 * Decides which consumer a free worker slot pulls from next. Pure bookkeeping (no I/O), fed by
 * work signals (the server's copy of each publish to the stage's subjects), the `pending` count
 * every delivered message carries, and occasional backlog snapshots (start, reconnect, resync).
 *
 * - Priority: interactive first; while both classes have work, every `batchEvery`-th dispatch
 *   goes to batch, so batch keeps at least 1/batchEvery of the throughput and never starves.
 * - Fairness: within a class, round-robin over the buckets that have work. A user's backlog sits
 *   in one bucket, so a job in another bucket is at most FAIR_BUCKETS - 1 dispatches of this
 *   replica away once its bucket is seen non-empty, however long that backlog is.
 */
export function createLaneScheduler(opts: { batchEvery: number; buckets?: number; keyOf: (cls: JobClass, bucket: number) => string }) {
  const buckets = opts.buckets ?? FAIR_BUCKETS;
  const states: SourceState[] = JOB_CLASSES.flatMap((cls) =>
    Array.from({ length: buckets }, (_, bucket) => ({ cls, bucket, key: opts.keyOf(cls, bucket), pending: 0, ackPending: 0, probedAt: 0, heard: false })),
  );
  const byKey = new Map(states.map((s) => [s.key, s]));
  const cursor: Record<JobClass, number> = { interactive: -1, batch: -1 };
  let dispatched = 0;
  let probing = false;
  let waiters: (() => void)[] = [];

  const withWork = (cls: JobClass) => {
    const out: SourceState[] = [];
    for (const s of states) if (s.cls === cls && s.pending > 0) out.push(s);
    return out;
  };
  const roundRobin = (cls: JobClass, list: SourceState[]) => {
    const next = list.find((s) => s.bucket > cursor[cls]) ?? list[0]!;
    cursor[cls] = next.bucket;
    return next;
  };
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };

  return {
    sources: (): Source[] => states.map(({ cls, bucket, key }) => ({ cls, bucket, key })),

    /** A backlog snapshot for one consumer (from consumer info). */
    update(key: string, pending: number, ackPending: number) {
      const s = byKey.get(key);
      if (!s) return;
      s.pending = pending;
      s.ackPending = ackPending;
      if (pending > 0) wake();
    },

    /** The next consumer to pull from, or undefined when no consumer is known to have work. */
    pick(): Source | undefined {
      const inter = withWork("interactive");
      const batch = withWork("batch");
      if (!inter.length && !batch.length) return undefined;
      dispatched++;
      const batchTurn = batch.length > 0 && (inter.length === 0 || dispatched % opts.batchEvery === 0);
      const s = batchTurn ? roundRobin("batch", batch) : roundRobin("interactive", inter);
      s.pending--; // claimed by this slot until the delivery (or an empty pull) says otherwise
      return s;
    },

    /**
     * When nothing is pending, a consumer whose messages are all unacked may still hold a retry
     * whose backoff has run out; one slot at a time pulls it, each consumer at most every `everyMs`.
     */
    probe(now: number, everyMs: number): Source | undefined {
      if (probing) return undefined;
      const s = states.find((x) => x.ackPending > 0 && now - x.probedAt >= everyMs);
      if (!s) return undefined;
      s.probedAt = now;
      probing = true;
      return s;
    },
    probeDone() {
      probing = false;
    },

    /**
     * A message was published to `key`'s subjects (every replica hears every publish). Counted at
     * once: the message may not be stored yet, but a pull waits for it.
     */
    signal(key: string) {
      const s = byKey.get(key);
      if (!s) return;
      s.pending = Math.max(0, s.pending) + 1;
      s.heard = true;
      wake();
    },

    /**
     * Whether a publish to `key` was heard since its last delivery here (then forgotten): an empty
     * pull after one means another replica took it, or the stream has not stored it yet.
     */
    takeHeard(key: string): boolean {
      const s = byKey.get(key);
      if (!s?.heard) return false;
      s.heard = false;
      return true;
    },

    /**
     * A delivery from `key` reported this many messages still waiting behind it: the server's
     * count, which corrects what this replica heard but other replicas took.
     */
    delivered(key: string, pendingAfter: number) {
      const s = byKey.get(key);
      if (s) {
        s.pending = pendingAfter;
        s.heard = false;
      }
      if (pendingAfter > 0) wake();
    },
    /** A message this replica nak'd on `key` is due again: treat the consumer as having work. */
    nudge(key: string) {
      const s = byKey.get(key);
      if (!s) return;
      s.pending = Math.max(s.pending, 1);
      wake();
    },
    /** A pull from `key` came back empty: another replica got there first. */
    empty(key: string) {
      const s = byKey.get(key);
      if (s) s.pending = 0;
    },

    /** Resolves on the next sign of work, or after `ms`. */
    wait(ms: number): Promise<void> {
      return new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          waiters = waiters.filter((w) => w !== done);
          resolve();
        }, ms);
        const done = () => {
          clearTimeout(t);
          resolve();
        };
        waiters.push(done);
      });
    },
    wakeAll: wake,

    backlog: () => states.reduce((n, s) => n + Math.max(0, s.pending), 0),
  };
}

export type LaneScheduler = ReturnType<typeof createLaneScheduler>;
