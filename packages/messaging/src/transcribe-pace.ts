import type { Job } from "@mp4t/contracts";

/** Recent samples kept (a quantile of them is used) and finished jobs remembered so one is learnt once. */
const SAMPLES = 20;
const SEEN = 200;

const quantile = (l: number[], q: number) => [...l].sort((a, b) => a - b)[Math.floor((l.length - 1) * q)];

/**
 * What the gateway learns from the finished jobs it reads, for the forecast of a job's transcription
 * (`transcribe-forecast.ts`) and of what follows it:
 * - pace: how long one transcriber slot takes per second of audio (the engine plus the hops): the
 *   transcribe stage's start to finish x the chunks that could run at once (the slots seen busy,
 *   its chunk count) / its audio;
 * - tail: from the end of a job's transcription to its completion (assemble, diarize, enhance).
 */
export function createTranscribePace() {
  const paces: number[] = [];
  const tails: number[] = [];
  const seen = new Set<string>();
  const tailSeen = new Set<string>();
  const remember = (set: Set<string>, id: string) => {
    set.add(id);
    if (set.size > SEEN) set.delete(set.values().next().value!);
  };
  const push = (list: number[], x: number) => {
    list.push(x);
    if (list.length > SAMPLES) list.shift();
  };

  return {
    learn(job: Job, slots: number) {
      const t = job.stages.transcribe;
      const audio = job.media?.durationSec;
      const count = job.chunks?.count ?? 0;
      if (t?.status !== "done" || !count || !t.startedAt || !t.finishedAt || !audio) return;
      if (job.status === "completed" && job.completedAt && !tailSeen.has(job.id)) {
        remember(tailSeen, job.id);
        push(tails, Math.max(0, (Date.parse(job.completedAt) - Date.parse(t.finishedAt)) / 1000));
      }
      if (seen.has(job.id)) return;
      remember(seen, job.id);
      const parallel = Math.max(1, Math.min(slots, count));
      push(paces, (((Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000) * parallel) / audio);
    },

    /**
     * Seconds per second of audio, or undefined before any: the lower quartile of the recent ones,
     * since a job's stage time also holds its waits for a slot busy with another job's chunk, which
     * the forecast plays out on its own.
     */
    pace: (): number | undefined => (paces.length ? quantile(paces, 0.25) : undefined),

    /** Seconds from the end of a job's transcription to its completion: the median of the recent ones. */
    tailSec: (): number | undefined => (tails.length ? quantile(tails, 0.5) : undefined),
  };
}

export type TranscribePace = ReturnType<typeof createTranscribePace>;
