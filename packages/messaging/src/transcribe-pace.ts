import type { Job } from "@mp4t/contracts";

/** Recent paces kept (a median of them is used) and finished jobs remembered so one is learnt once. */
const SAMPLES = 20;
const SEEN = 200;
/** A job asked about within this long still holds chunks in its queue, as far as the pace knows. */
const ALIVE_MS = 30_000;

const audioOf = ([start, end]: [number, number]) => Math.max(0, end - start);
const mean = (l: number[]) => l.reduce((a, d) => a + d, 0) / l.length;

/** Another (class, bucket) queue holding transcribe work: its name and its chunks waiting or running. */
export type OtherQueue = { key: string; backlog: number };

/**
 * How long one transcriber slot takes per second of audio (the engine plus the hops), learnt from
 * the finished jobs the gateway reads: the transcribe stage's start to finish x the chunks that
 * could run at once (the slots seen busy, the job's window, its chunk count) / its audio.
 */
export function createTranscribePace() {
  const paces: number[] = [];
  const seen = new Set<string>();
  /** Jobs asked about lately, by id: their queue, mean remaining chunk (s of audio) and when. */
  const recent = new Map<string, { key: string; chunk: number; at: number }>();
  /** The chunk length of the other jobs seen lately that may be ahead (its own queue's first); `fallback` when none. */
  const typical = (jobId: string, key: string, fallback: number) => {
    const others = [...recent].filter(([id]) => id !== jobId).map(([, r]) => r);
    const mine = others.filter((r) => r.key === key);
    return (mine.length ? mean(mine.map((r) => r.chunk)) : 0) || (others.length ? mean(others.map((r) => r.chunk)) : fallback);
  };
  /** The longest chunks a queue's jobs asked about lately still hold. */
  const chunkOf = (key: string, now: number) =>
    Math.max(0, ...[...recent.values()].filter((r) => r.key === key && now - r.at < ALIVE_MS).map((r) => r.chunk)) || undefined;

  /** Seconds of audio per chunk the job has not transcribed yet; undefined before ingest sized it. */
  function remainingChunks(job: Job): number[] | undefined {
    const c = job.chunks;
    if (!c) return undefined;
    if (c.plan) return c.plan.filter((_, i) => !c.done.includes(i)).map(audioOf);
    const d = job.media?.durationSec;
    return d === undefined || c.count === 0 ? undefined : Array.from({ length: c.count - c.done.length }, () => d / c.count);
  }

  return {
    learn(job: Job, slots: number) {
      const t = job.stages.transcribe;
      const audio = job.media?.durationSec;
      const count = job.chunks?.count ?? 0;
      if (t?.status === "done") recent.delete(job.id); // its chunks are no longer ahead of anyone
      if (t?.status !== "done" || !count || !t?.startedAt || !t.finishedAt || !audio || seen.has(job.id)) return;
      seen.add(job.id);
      if (seen.size > SEEN) seen.delete(seen.values().next().value!);
      const parallel = Math.max(1, Math.min(slots, job.chunks?.window ?? count, count));
      paces.push((((Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000) * parallel) / audio);
      if (paces.length > SAMPLES) paces.shift();
    },

    /** Seconds per second of audio (median of the recent ones), or undefined before any. */
    pace(): number | undefined {
      if (!paces.length) return undefined;
      const sorted = [...paces].sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)];
    },

    /** The job's queue (`key`) holds chunks of about this job's length (asked about jobs teach it). */
    remember(job: Job, key: string, now: number) {
      const chunks = remainingChunks(job);
      recent.delete(job.id);
      if (!chunks?.length) return;
      recent.set(job.id, { key, chunk: mean(chunks), at: now });
      if (recent.size > SAMPLES) recent.delete(recent.keys().next().value!);
    },

    /**
     * Seconds the job's remaining chunks take: their audio x the pace over `slots`, as wide as the
     * job's window at most. Buckets take turns by dispatch, so each other queue puts one of its
     * chunks (its backlog at most) beside each of the job's. Never less than its longest chunk.
     */
    remainingSec(job: Job, slots: number, others: OtherQueue[] = [], now = 0): number | undefined {
      const p = this.pace();
      const chunks = remainingChunks(job);
      if (p === undefined || !chunks) return undefined;
      if (!chunks.length) return 0;
      const parallel = Math.max(1, Math.min(slots, job.chunks?.window ?? chunks.length, chunks.length));
      const total = chunks.reduce((a, d) => a + d, 0);
      const beside = others.reduce((a, q) => a + Math.min(chunks.length, q.backlog) * (chunkOf(q.key, now) ?? mean(chunks)), 0);
      return Math.max(total / parallel, (total + beside) / Math.max(1, slots), Math.max(...chunks)) * p;
    },

    /**
     * Seconds until the job's next chunk starts: `ahead` chunks of other jobs (of the length seen
     * lately) go first, `slots` at a time, plus (all slots busy) the wait for one to free: half of
     * the longest chunk the other queues hold.
     */
    startInSec(job: Job, ahead: number, slots: number, saturated: boolean, others: OtherQueue[] = [], now = 0): number | undefined {
      const p = this.pace();
      const chunks = remainingChunks(job);
      if (p === undefined || !chunks?.length) return undefined;
      const other = typical(job.id, recent.get(job.id)?.key ?? "", mean(chunks));
      const running = Math.max(other, ...others.map((q) => chunkOf(q.key, now) ?? other));
      return ((ahead * other) / Math.max(1, slots) + (saturated ? running / 2 : 0)) * p;
    },
  };
}

export type TranscribePace = ReturnType<typeof createTranscribePace>;
