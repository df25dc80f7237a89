import type { Job } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { createTranscribePace } from "./transcribe-pace.ts";

const at = (sec: number) => new Date(Date.UTC(2026, 0, 1) + sec * 1000).toISOString();

/** A finished job of `plan` chunks (seconds of audio each), transcribed from `transcribe[0]` to `[1]`, completed at `completed`. */
const job = (id: string, plan: number[], transcribe: [number, number], completed?: number): Job => {
  let t = 0;
  return {
    id,
    userId: "alice",
    status: completed === undefined ? "processing" : "completed",
    progress: 0,
    fileName: "a.mp4",
    sizeBytes: 1,
    options: { language: "en", diarize: false, enhance: [], class: "interactive" },
    stages: { transcribe: { status: "done", startedAt: at(transcribe[0]), finishedAt: at(transcribe[1]) } },
    media: { durationSec: plan.reduce((a, d) => a + d, 0), container: "mp4", audioCodec: "aac", hasVideo: true },
    chunks: { count: plan.length, done: plan.map((_, i) => i), plan: plan.map((d) => [t, (t += d)] as [number, number]) },
    createdAt: at(0),
    updatedAt: at(0),
    ...(completed === undefined ? {} : { completedAt: at(completed) }),
  };
};

describe("transcribe pace", () => {
  it("knows nothing before a job has been transcribed", () => {
    const pace = createTranscribePace();
    expect(pace.pace()).toBeUndefined();
    expect(pace.tailSec(30)).toBeUndefined();
  });

  it("learns a slot's seconds per second of audio from a finished job, counting the chunks that could run at once", () => {
    const pace = createTranscribePace();
    // 4 chunks of 25 s on 2 slots in 10 s: each slot spent 20 s on 100 s of audio.
    const done = job("short", [25, 25, 25, 25], [0, 10]);
    pace.learn(done, 2);
    pace.learn(done, 2); // read again: learnt once
    expect(pace.pace()).toBeCloseTo(0.2);
    pace.learn(job("alone", [30], [0, 3]), 2); // one chunk: one slot, 0.1
    expect(pace.pace()).toBeCloseTo(0.1);
  });

  it("takes the lower quartile: a job that waited for busy slots looks slower than the slots are", () => {
    const pace = createTranscribePace();
    for (const [i, sec] of [3, 3, 3, 9, 12].entries()) pace.learn(job(`j${i}`, [30], [0, sec]), 1);
    expect(pace.pace()).toBeCloseTo(0.1);
  });

  it("learns from the slots' busy time when the job records it: its waits for slots busy with other jobs do not count", () => {
    const pace = createTranscribePace();
    // 4 chunks of 25 s transcribed from 0 to 40 s on 2 slots, while other users' chunks took turns
    // on them: the stage says 0.8 s a second of audio, the slots spent 10 s on its 100 s.
    const waited = { ...job("busy", [25, 25, 25, 25], [0, 40]) };
    pace.learn({ ...waited, chunks: { ...waited.chunks!, busySec: 10, busyChunks: 4 } }, 2);
    expect(pace.pace()).toBeCloseTo(0.1);
    // Jobs without it (an older release's) no longer count once one with it was learnt: the median
    // of those with it (with the two older ones in, the median would be 0.12).
    pace.learn(job("old1", [30], [0, 30]), 1);
    pace.learn(job("old2", [30], [0, 30]), 1);
    for (const [i, sec] of [2.4, 3.6].entries()) pace.learn({ ...job(`b${i}`, [30], [0, 9]), chunks: { count: 1, done: [0], busySec: sec, busyChunks: 1 } }, 1);
    expect(pace.pace()).toBeCloseTo(0.1); // 0.08, 0.1, 0.12
    // A job only some of whose chunks were timed (partly transcribed by an older release) is not taken for it.
    const partial = job("partial", [25, 25, 25, 25], [0, 10]);
    pace.learn({ ...partial, chunks: { ...partial.chunks!, busySec: 0.5, busyChunks: 1 } }, 2);
    expect(pace.pace()).toBeCloseTo(0.1);
  });

  it("learns the time from transcription to completion per second of audio once a job completes", () => {
    const pace = createTranscribePace();
    pace.learn(job("a", [30], [0, 3]), 1); // still processing: no tail yet
    expect(pace.tailSec(30)).toBeUndefined();
    pace.learn(job("a", [30], [0, 3], 5), 1);
    pace.learn(job("a", [30], [0, 3], 5), 1); // read again: learnt once
    pace.learn(job("b", [30], [0, 3], 7), 1);
    pace.learn(job("c", [30], [0, 3], 6), 1);
    // Median of 2, 4 and 3 s for 30 s of audio: 0.1 s per second.
    expect(pace.tailSec(30)).toBeCloseTo(3);
    expect(pace.tailSec(1200)).toBeCloseTo(120);
    expect(pace.tailSec(5)).toBe(2); // never below the shortest seen
  });
});
