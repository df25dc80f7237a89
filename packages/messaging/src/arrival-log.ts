import type { JobClass } from "@mp4t/contracts";
import type { Arrival, ChunkQueue } from "./transcribe-forecast.ts";

/** Jobs are played as arriving at the rate their queues received new ones over this long... */
const WINDOW_MS = 60_000;
/** ...once the listings have watched for at least this long (one job seen in a moment is no rate). */
const MIN_WATCH_MS = 10_000;
/**
 * Listings are taken when clients poll. After a longer gap than this the watch starts over: jobs
 * seen then were there already (a backlog, or queued unwatched), not arrivals at that moment.
 */
const MAX_GAP_MS = 5_000;
/** Jobs remembered at most; those gone from the listings and first seen before the window go first. */
const JOBS = 5_000;

type Seen = { cls: JobClass; bucket: number; firstAt: number; lastAt: number; arrived: boolean; count: number; most: number; audioSec: number };

/**
 * The jobs the transcribe stage's listings saw arrive, per (class, bucket) queue: when each was
 * first seen, its chunk count, the most of its chunks seen there at once, and their audio. As rates
 * (`rates`), the forecast plays them forward: on a busy system users keep sending jobs, and with
 * buckets taking turns each one interleaves with a waiting job's chunks.
 */
export function createArrivalLog() {
  const jobs = new Map<string, Seen>();
  let watchedSince: number | undefined;
  let lastAt: number | undefined;

  return {
    /** A listing's chunks, taken at `at`. */
    see(at: number, queues: ChunkQueue[]) {
      // The first listing, or the first after a gap: what it shows was there before.
      const fresh = lastAt === undefined || at - lastAt > MAX_GAP_MS;
      if (fresh) watchedSince = at;
      lastAt = at;
      for (const q of queues) {
        const byJob = new Map<string, { n: number; count: number; audioSec: number }>();
        for (const c of [...q.running, ...q.waiting]) {
          const x = byJob.get(c.jobId) ?? { n: 0, count: c.count, audioSec: 0 };
          byJob.set(c.jobId, { n: x.n + 1, count: x.count, audioSec: x.audioSec + c.audioSec });
        }
        for (const [jobId, x] of byJob) {
          const known = jobs.get(jobId);
          if (known) {
            known.most = Math.max(known.most, x.n);
            known.lastAt = at;
          } else {
            jobs.set(jobId, { cls: q.cls, bucket: q.bucket, firstAt: at, lastAt: at, arrived: !fresh, count: x.count, most: x.n, audioSec: x.audioSec / x.n });
          }
        }
      }
      // Forgotten once gone and older than the window: a job still listed is kept, or it would be counted again.
      for (const [id, j] of jobs) if (j.lastAt < at && j.firstAt < at - WINDOW_MS) jobs.delete(id);
      for (const [id, j] of jobs) {
        if (jobs.size <= JOBS) break;
        if (j.lastAt < at) jobs.delete(id);
      }
    },

    /**
     * Each queue's new jobs over the last minute: one every window / their number, of their mean
     * chunk count and chunk audio, the next one due that long after the last one was first seen
     * (as long from now when that is past). Only jobs seen queued whole count: a chained long
     * job's chunks come one at a time, and the forecast plays its chain out itself. None before
     * the listings have watched for 10 s.
     */
    rates(now: number): Arrival[] {
      if (watchedSince === undefined || now - watchedSince < MIN_WATCH_MS) return [];
      const window = Math.min(WINDOW_MS, now - watchedSince);
      const by = new Map<string, { cls: JobClass; bucket: number; n: number; chunks: number; audio: number; lastAt: number }>();
      for (const j of jobs.values()) {
        if (!j.arrived || j.firstAt < now - window || j.most < j.count) continue;
        const key = `${j.cls}:${j.bucket}`;
        const g = by.get(key) ?? { cls: j.cls, bucket: j.bucket, n: 0, chunks: 0, audio: 0, lastAt: 0 };
        by.set(key, { ...g, n: g.n + 1, chunks: g.chunks + j.count, audio: g.audio + j.audioSec * j.count, lastAt: Math.max(g.lastAt, j.firstAt) });
      }
      return [...by.values()].map((g) => {
        const everySec = window / 1000 / g.n;
        const due = g.lastAt + everySec * 1000;
        return {
          cls: g.cls,
          bucket: g.bucket,
          everySec,
          chunks: Math.max(1, Math.round(g.chunks / g.n)),
          audioSec: g.audio / g.chunks,
          firstAt: due >= now ? due : now + everySec * 1000,
        };
      });
    },
  };
}
