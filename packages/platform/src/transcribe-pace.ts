import type { Job } from "@mp4t/contracts";

/** Recent paces kept (a median of them is used) and finished jobs remembered so one is learnt once. */
const SAMPLES = 20;
const SEEN = 200;

const audioOf = ([start, end]: [number, number]) => Math.max(0, end - start);

/**
 * How long one transcriber slot takes per second of audio (the engine plus the hops), learnt from
 * the finished jobs the gateway reads: the transcribe stage's start to finish x the chunks that
 * could run at once (the slots seen busy, the job's window, its chunk count) / its audio.
 */
export function createTranscribePace() {
  const paces: number[] = [];
  const seen = new Set<string>();

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
      if (t?.status !== "done" || !count || !t?.startedAt || !t.finishedAt || !audio || seen.has(job.id)) return;
      seen.add(job.id);
      if (seen.size > SEEN) seen.delete(seen.values().next().value!);
      const parallel = Math.max(1, Math.min(slots, job.chunks?.window ?? count, count));
      paces.push(((Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000) * parallel / audio);
      if (paces.length > SAMPLES) paces.shift();
    },

    /** Seconds per second of audio (median of the recent ones), or undefined before any. */
    pace(): number | undefined {
      if (!paces.length) return undefined;
      const sorted = [...paces].sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)];
    },

    /**
     * Seconds the job's remaining chunks take: their audio x the pace, spread over `slots` (the
     * job's own window at most), never less than its longest chunk. Undefined while unknown.
     */
    remainingSec(job: Job, slots: number): number | undefined {
      const p = this.pace();
      const chunks = remainingChunks(job);
      if (p === undefined || !chunks) return undefined;
      if (!chunks.length) return 0;
      const parallel = Math.max(1, Math.min(slots, job.chunks?.window ?? chunks.length, chunks.length));
      const total = chunks.reduce((a, d) => a + d, 0);
      return Math.max(total / parallel, Math.max(...chunks)) * p;
    },

    /**
     * Seconds until the job's next chunk starts: `ahead` chunks of about its own chunks' length go
     * first, `slots` at a time, plus (all slots busy) the wait for one to free: half a chunk.
     */
    startInSec(job: Job, ahead: number, slots: number, saturated: boolean): number | undefined {
      const p = this.pace();
      const chunks = remainingChunks(job);
      if (p === undefined || !chunks?.length) return undefined;
      const chunkSec = (chunks.reduce((a, d) => a + d, 0) / chunks.length) * p;
      return ((ahead + (saturated ? 0.5 : 0)) * chunkSec) / Math.max(1, slots);
    },
  };
}

export type TranscribePace = ReturnType<typeof createTranscribePace>;
