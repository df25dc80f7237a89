import type { JobClass } from "@mp4t/contracts";
import type { Arrival, ChunkQueue } from "./transcribe-forecast.ts";

/** Other users' jobs are played as arriving at the rate their queues received new ones over this long... */
const WINDOW_MS = 60_000;
/** ...once the listings have watched for at least this long (one job seen in a moment is no rate). */
const MIN_WATCH_MS = 10_000;
/** Jobs remembered (the oldest forgotten first). */
const JOBS = 500;

/**
 * The jobs the transcribe stage's listings saw arrive, per (class, bucket) queue: when each was
 * first seen, the most of its chunks seen there at once, and their audio. As rates (`rates`), the
 * forecast plays them forward: on a busy system other users keep sending jobs, and with buckets
 * taking turns each one interleaves with a waiting job's chunks.
 */
export function createArrivalLog() {
  const jobs = new Map<string, { cls: JobClass; bucket: number; firstAt: number; most: number; audioSec: number }>();
  let watchedSince: number | undefined;

  return {
    /** A listing's chunks, taken at `at`. */
    see(at: number, queues: ChunkQueue[]) {
      watchedSince ??= at;
      for (const q of queues) {
        const byJob = new Map<string, { n: number; audioSec: number }>();
        for (const c of [...q.running, ...q.waiting]) {
          const x = byJob.get(c.jobId) ?? { n: 0, audioSec: 0 };
          byJob.set(c.jobId, { n: x.n + 1, audioSec: x.audioSec + c.audioSec });
        }
        for (const [jobId, x] of byJob) {
          const known = jobs.get(jobId);
          if (known) known.most = Math.max(known.most, x.n);
          else jobs.set(jobId, { cls: q.cls, bucket: q.bucket, firstAt: at, most: x.n, audioSec: x.audioSec / x.n });
        }
      }
      for (const id of jobs.keys()) {
        if (jobs.size <= JOBS) break;
        jobs.delete(id);
      }
    },

    /**
     * Each queue's new jobs over the last minute: one every window / their number, each of the
     * most of its chunks seen queued at once (all of a short job's; one or two of a chained long
     * job's, whose later chunks its chain brings), of their mean audio. None before the listings
     * have watched for 10 s.
     */
    rates(now: number): Arrival[] {
      if (watchedSince === undefined || now - watchedSince < MIN_WATCH_MS) return [];
      const window = Math.min(WINDOW_MS, now - watchedSince);
      const by = new Map<string, { cls: JobClass; bucket: number; n: number; chunks: number; audioSec: number }>();
      for (const j of jobs.values()) {
        if (j.firstAt < now - window) continue;
        const key = `${j.cls}:${j.bucket}`;
        const g = by.get(key) ?? { cls: j.cls, bucket: j.bucket, n: 0, chunks: 0, audioSec: 0 };
        by.set(key, { ...g, n: g.n + 1, chunks: g.chunks + j.most, audioSec: g.audioSec + j.audioSec });
      }
      return [...by.values()].map((g) => ({
        cls: g.cls,
        bucket: g.bucket,
        everySec: window / 1000 / g.n,
        chunks: Math.max(1, Math.round(g.chunks / g.n)),
        audioSec: g.audioSec / g.n,
      }));
    },
  };
}
