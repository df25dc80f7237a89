import { messageId, userBucket, type JobClass } from "@mp4t/contracts";
import { createPublisher, createWorker, ensureTopology } from "@mp4t/messaging/internal";
import { newId } from "@mp4t/contracts";
import type { Worker } from "@mp4t/messaging";
import { silentLogger, startNats, type NatsServer } from "@mp4t/testing";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";

export type Done = { jobId: string; userId: string; cls: JobClass; seq: number };

/** A real nats-server, and a worker on the enhance stage whose handler only takes `handlerMs`. */
export async function startLane(opts: {
  concurrency: number;
  handlerMs: number;
  pollMs: number;
  scaleDownEveryMs?: number;
  batchEvery?: number;
  autoscale?: { min: number; max: number };
  recycle?: { afterJobs: number; maxRssMb: number };
  onRecycle?: (reason: string) => void;
}) {
  const nats: NatsServer = await startNats();
  const nc: NatsConnection = await nats.connect();
  const js: JetStreamClient = jetstream(nc);
  const jsm: JetStreamManager = await jetstreamManager(nc);
  await ensureTopology(jsm);
  const publisher = createPublisher(js, { service: "lanes-test" });
  const done: Done[] = [];
  const waiters: { n: (d: Done[]) => boolean; resolve: () => void }[] = [];
  const worker: Worker = createWorker({
    js,
    jsm,
    stage: "enhance",
    service: "enhancer",
    logger: silentLogger(),
    concurrency: opts.concurrency,
    ackWaitMs: 30_000,
    maxDeliver: 3,
    deadlineMs: 30_000,
    pollMs: opts.pollMs,
    ...(opts.scaleDownEveryMs ? { scaleDownEveryMs: opts.scaleDownEveryMs } : {}),
    batchEvery: opts.batchEvery ?? 5,
    ...(opts.autoscale ? { autoscale: opts.autoscale } : {}),
    ...(opts.recycle ? { recycle: opts.recycle } : {}),
    ...(opts.onRecycle ? { onRecycle: opts.onRecycle } : {}),
    handler: async (msg) => {
      peak = Math.max(peak, worker.stats().inFlight);
      await new Promise((r) => setTimeout(r, opts.handlerMs));
      done.push({ jobId: msg.jobId, userId: msg.userId, cls: classes.get(msg.jobId)!, seq: done.length });
      for (const w of [...waiters]) if (w.n(done)) waiters.splice(waiters.indexOf(w), 1), w.resolve();
    },
  });
  const classes = new Map<string, JobClass>();
  let peak = 0;
  return {
    nc,
    jsm,
    worker,
    done,
    /** The most messages the worker had in flight at once. */
    peakInFlight: () => peak,
    /** Stops the worker once in-flight work is acked, and makes sure the acks reached the server. */
    async settle() {
      await worker.stop(5000);
      await nc.flush();
    },
    /** Queues one job's enhance command for `userId` in `cls`; returns its id. */
    async submit(userId: string, cls: JobClass): Promise<string> {
      const jobId = newId();
      classes.set(jobId, cls);
      const cmd = { v: 1 as const, jobId, userId };
      await publisher.command("enhance", cls, cmd, messageId("enhance", cmd));
      return jobId;
    },
    /** Resolves once `predicate` holds over the completions so far (fails after `ms`). */
    until(predicate: (d: Done[]) => boolean, ms = 45_000): Promise<void> {
      if (predicate(done)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`not reached in ${ms} ms; ${done.length} done`)), ms);
        waiters.push({ n: predicate, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
    async [Symbol.asyncDispose]() {
      await worker.stop(2000);
      await nc.close();
      await nats[Symbol.asyncDispose]();
    },
  };
}

/** A user id whose fairness bucket differs from every one given. */
export function userOutside(...others: string[]): string {
  const taken = new Set(others.map(userBucket));
  for (let i = 0; ; i++) if (!taken.has(userBucket(`user-${i}`))) return `user-${i}`;
}
