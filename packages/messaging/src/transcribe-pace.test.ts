import type { Job } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { createTranscribePace } from "./transcribe-pace.ts";

const at = (sec: number) => new Date(Date.UTC(2026, 0, 1) + sec * 1000).toISOString();

/** A job of `plan` chunks (seconds of audio each), `done` of them transcribed, queued `window` at a time. */
const job = (id: string, plan: number[], done: number[], window = 4, transcribe?: [number, number]): Job => {
  let t = 0;
  return {
    id,
    userId: "alice",
    status: transcribe ? "completed" : "processing",
    progress: 0,
    fileName: "a.mp4",
    sizeBytes: 1,
    options: { language: "en", diarize: false, enhance: [], class: "interactive" },
    stages: transcribe
      ? { transcribe: { status: "done", startedAt: at(transcribe[0]), finishedAt: at(transcribe[1]) } }
      : { transcribe: { status: "running" } },
    media: { durationSec: plan.reduce((a, d) => a + d, 0), container: "mp4", audioCodec: "aac", hasVideo: true },
    chunks: { count: plan.length, done, window, plan: plan.map((d) => [t, (t += d)] as [number, number]) },
    createdAt: at(0),
    updatedAt: at(0),
  };
};

describe("transcribe pace", () => {
  it("knows nothing before a job has been transcribed", () => {
    const pace = createTranscribePace();
    expect(pace.pace()).toBeUndefined();
    expect(pace.remainingSec(job("long", [60, 60], []), 2)).toBeUndefined();
  });

  it("learns a slot's seconds per second of audio from a finished job, counting the chunks that ran at once", () => {
    const pace = createTranscribePace();
    // 4 chunks of 25 s on 2 slots in 10 s: each slot spent 20 s on 100 s of audio.
    const done = job("short", [25, 25, 25, 25], [0, 1, 2, 3], 4, [0, 10]);
    pace.learn(done, 2);
    pace.learn(done, 2); // read again: learnt once
    pace.learn(job("alone", [30], [0], 4, [0, 3]), 2); // one chunk: one slot, 0.1
    expect(pace.pace()).toBe(0.2); // median of 0.1 and 0.2 (upper)
    pace.learn(job("third", [30], [0], 4, [0, 3]), 2);
    expect(pace.pace()).toBeCloseTo(0.1);
  });

  it("spreads a long job's remaining chunks over its share of the slots, so another user's work lengthens it", () => {
    const pace = createTranscribePace();
    pace.learn(job("one", [50], [0], 4, [0, 10]), 2); // 0.2 s per second of audio
    const long = job("long", [60, 60, 60, 60, 60, 20], [0, 1]);
    // 200 s left: on 2 slots 100 s of audio each, 20 s; sharing with one other queue, 1 slot: 40 s.
    expect(pace.remainingSec(long, 2)).toBeCloseTo(20);
    expect(pace.remainingSec(long, 1)).toBeCloseTo(40);
    // Never faster than its longest chunk, nor wider than its window.
    expect(pace.remainingSec(job("tail", [60, 10], [], 4), 8)).toBeCloseTo(12);
    expect(pace.remainingSec(job("narrow", [60, 60, 60, 60], [], 1), 4)).toBeCloseTo(48);
  });

  it("counts another user's chunks beside each of the job's (buckets take turns), as long as that queue holds them", () => {
    const pace = createTranscribePace();
    pace.learn(job("one", [50], [0], 4, [0, 10]), 2); // 0.2
    pace.remember(job("theirs", [60, 60, 60, 60, 60], []), "queue-a", 0);
    const mine = job("mine", [30, 30], []);
    // 60 s of its own audio and one 60 s chunk of theirs beside each of its two, on 2 slots: 90 s.
    expect(pace.remainingSec(mine, 2, [{ key: "queue-a", backlog: 5 }], 1000)).toBeCloseTo(18);
    // Only as many as that queue holds; and once their job is no longer asked about, chunks like its own.
    expect(pace.remainingSec(mine, 2, [{ key: "queue-a", backlog: 1 }], 1000)).toBeCloseTo(12);
    expect(pace.remainingSec(mine, 2, [{ key: "queue-a", backlog: 5 }], 60_000)).toBeCloseTo(12);
    // Every slot busy with their 60 s chunks: half of one (12 s a chunk) before its first starts.
    expect(pace.startInSec(mine, 0, 2, true, [{ key: "queue-a", backlog: 5 }], 1000)).toBeCloseTo(6);
  });

  it("times the wait for a slot: the chunks ahead, slots at a time, plus half a chunk when every slot is busy", () => {
    const pace = createTranscribePace();
    pace.learn(job("one", [50], [0], 4, [0, 10]), 2);
    const waiting = job("short", [30, 30], []); // 6 s a chunk
    expect(pace.startInSec(waiting, 0, 2, false)).toBe(0);
    expect(pace.startInSec(waiting, 0, 2, true)).toBeCloseTo(3);
    expect(pace.startInSec(waiting, 3, 2, true)).toBeCloseTo(12); // 3 x 6 s over 2 slots, plus 3 s
  });
});
