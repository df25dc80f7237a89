import type { Job } from "@mp4t/contracts";

/** Recent samples kept (a quantile of them is used) and finished jobs remembered so one is learnt once. */
const SAMPLES = 20;
const SEEN = 200;

const quantile = (l: number[], q: number) => [...l].sort((a, b) => a - b)[Math.floor((l.length - 1) * q)];

/**
 * What the gateway learns from the finished jobs it reads, for the forecast of a job's transcription
 * (`transcribe-forecast.ts`) and of what follows it:
 * - pace: how long one transcriber slot takes per second of audio (the engine plus the hops): the
 *   slots' busy time on the job's chunks (`chunks.busySec`, when every chunk was timed) / its audio;
 *   while no recent job has that (an older release's jobs), the transcribe stage's start to finish x
 *   the chunks that could run at once (the slots seen busy, its chunk count) / its audio;
 * - tail: from the end of a job's transcription to its completion (assemble, diarize, enhance), per
 *   second of audio.
 */
export function createTranscribePace() {
  /** From the slots' busy time: no waits in them. */
  const busy: number[] = [];
  /** From the stage's start to finish: waits for busy slots included. */
  const paces: number[] = [];
  /** Seconds from transcription to completion, and the job's audio. */
  const tails: { sec: number; audio: number }[] = [];
  const seen = new Set<string>();
  const tailSeen = new Set<string>();
  const remember = (set: Set<string>, id: string) => {
    set.add(id);
    if (set.size > SEEN) set.delete(set.values().next().value!);
  };
  const push = <T>(list: T[], x: T) => {
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
        push(tails, { sec: Math.max(0, (Date.parse(job.completedAt) - Date.parse(t.finishedAt)) / 1000), audio });
      }
      if (seen.has(job.id)) return;
      remember(seen, job.id);
      // Only a job whose every chunk was timed (not one partly transcribed by an older release).
      const busySec = job.chunks?.busySec;
      if (busySec !== undefined && busySec > 0 && job.chunks?.busyChunks === count) return push(busy, busySec / audio);
      const parallel = Math.max(1, Math.min(slots, count));
      push(paces, (((Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000) * parallel) / audio);
    },

    /**
     * Seconds per second of audio, or undefined before any: the median of the recent jobs' busy
     * times; without those, the lower quartile of their stage times, since a stage time also holds
     * the job's waits for a slot busy with another job's chunk, which the forecast plays out on its
     * own (on a system busy for a while every recent job waited, and the quartile too is too slow).
     */
    pace: (): number | undefined => (busy.length ? quantile(busy, 0.5) : paces.length ? quantile(paces, 0.25) : undefined),

    /** Whether `pace` comes from the slots' busy time (else from stage times, or nothing is learnt). */
    fromBusyTime: (): boolean => busy.length > 0,

    /**
     * Seconds from the end of a job of `audio` seconds' transcription to its completion: the median
     * of the recent ones per second of audio (diarizing, the bulk of it, reads the whole recording:
     * 1-3 s for 30 s, half a minute for 20 minutes), never below the shortest seen (the hops).
     */
    tailSec(audio: number): number | undefined {
      if (!tails.length) return undefined;
      return Math.max(
        Math.min(...tails.map((x) => x.sec)),
        quantile(
          tails.map((x) => x.sec / Math.max(1, x.audio)),
          0.5,
        )! * audio,
      );
    },
  };
}

export type TranscribePace = ReturnType<typeof createTranscribePace>;
