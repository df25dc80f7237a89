import { describe, expect, it } from "vitest";
import { forecastTranscribe, type ChunkQueue, type ForecastInput, type QueuedChunk } from "./transcribe-forecast.ts";

const NOW = 1_000_000;
const chunk = (jobId: string, index: number, count: number, audioSec: number, startedAt?: number): QueuedChunk => ({
  jobId,
  index,
  count,
  audioSec,
  publishedAt: NOW,
  ...(startedAt === undefined ? {} : { startedAt }),
});
const queue = (bucket: number, running: QueuedChunk[], waiting: QueuedChunk[], cls: ChunkQueue["cls"] = "interactive"): ChunkQueue => ({
  cls,
  bucket,
  running,
  waiting,
});
const base = (queues: ChunkQueue[], target: ForecastInput["target"]): ForecastInput => ({ now: NOW, slots: 2, pace: 0.1, batchEvery: 5, queues, target });
const shortJob = (bucket = 1) => ({
  jobId: "short",
  cls: "interactive" as const,
  bucket,
  remaining: [0, 1, 2, 3].map((index) => ({ index, audioSec: 10 })),
  chained: false,
});

describe("transcribe forecast", () => {
  it("runs a job alone on every slot: 4 chunks of 1 s on 2 slots end in 2 s", () => {
    expect(forecastTranscribe(base([], shortJob()))).toEqual({ startInSec: 0, finishInSec: 2, ahead: 0 });
  });

  it("plays other users' jobs still to come: each takes turns with the job's chunks; its owner's later jobs wait behind it", () => {
    // Another bucket sends a job of 4 chunks of 10 s every second from 1 s on: from then each free
    // slot alternates between the two buckets, so the short job's last two chunks share the slots.
    const arrivals = (bucket: number) => [{ cls: "interactive" as const, bucket, everySec: 1, chunks: 4, audioSec: 10 }];
    expect(forecastTranscribe({ ...base([], shortJob()), arrivals: arrivals(2) })).toEqual({ startInSec: 0, finishInSec: 3, ahead: 0 });
    // The same arrivals in the job's own queue come after it (first in, first out): 2 s, as alone.
    expect(forecastTranscribe({ ...base([], shortJob()), arrivals: arrivals(1) })).toEqual({ startInSec: 0, finishInSec: 2, ahead: 0 });
    // Due now (a time past counts as now): the buckets alternate from the first dispatch, so the
    // short job has one slot throughout (4 s); its bucket served second half the time (one ahead).
    for (const firstAt of [NOW, NOW - 5000]) {
      const due = [{ cls: "interactive" as const, bucket: 2, everySec: 1, chunks: 4, audioSec: 10, firstAt }];
      expect(forecastTranscribe({ ...base([], shortJob()), arrivals: due })).toEqual({ startInSec: 0, finishInSec: 4, ahead: 1 });
    }
  });

  it("puts jobs to come in the job's own queue ahead of a chained job's later chunks, first in, first out, one job of them at a time", () => {
    // One slot; a chained job of three 10 s chunks (1 s each); its bucket gets a one-chunk job of
    // 10 s every second from 0.5 s on. Each of its chunks queues the next as it ends, behind the
    // one arrived meanwhile (one job of a stream at a time: its sender waits for it, so the one
    // due at 2.5 s comes at 3 s, as the one before is taken): its chunks run at 0-1, 2-3 and 4-5 s.
    const chained = { jobId: "long", cls: "interactive" as const, bucket: 1, remaining: [0, 1, 2].map((index) => ({ index, audioSec: 10 })), chained: true };
    const every = (everySec: number, firstAt = NOW + 500) => [{ cls: "interactive" as const, bucket: 1, everySec, chunks: 1, audioSec: 10, firstAt }];
    expect(forecastTranscribe({ ...base([], chained), slots: 1, arrivals: every(1) })).toEqual({ startInSec: 0, finishInSec: 5, ahead: 0 });
    expect(forecastTranscribe({ ...base([], chained), slots: 1 })).toEqual({ startInSec: 0, finishInSec: 3, ahead: 0 });
    // Ten a second (from 0.55 s): the same, one of them before each of its later chunks
    // (open-ended, 30 would be ahead of its last).
    expect(forecastTranscribe({ ...base([], chained), slots: 1, arrivals: every(0.1, NOW + 550) })).toEqual({ startInSec: 0, finishInSec: 5, ahead: 0 });
  });

  it("keeps a job to come partly taken ahead of a chained job's chunk queued after it, however many are due meanwhile", () => {
    // One slot; a chained job of two 10 s chunks; its bucket gets a job of two 10 s chunks every
    // second from 0.5 s. Its second chunk queues at 1 s behind that job, both of whose chunks run
    // first (1-3 s), though the next job came due at 1.5 s: it ends at 4 s.
    const chained = { jobId: "long", cls: "interactive" as const, bucket: 1, remaining: [0, 1].map((index) => ({ index, audioSec: 10 })), chained: true };
    const arrivals = [{ cls: "interactive" as const, bucket: 1, everySec: 1, chunks: 2, audioSec: 10, firstAt: NOW + 500 }];
    expect(forecastTranscribe({ ...base([], chained), slots: 1, arrivals })).toEqual({ startInSec: 0, finishInSec: 4, ahead: 0 });
  });

  it("idles a free slot until the next job to come, at a fractional interval too", () => {
    // The chained job's first chunk runs (300 s of audio: 30 s) and queues its second (1 s) as it
    // ends; the other slot takes another bucket's jobs, due every 60 / 7 s from a fractional time,
    // idling between them. Arrivals counted by dividing the time since the first by the interval
    // once missed one due at that moment (8571.43 ms / 8571.43 ms came out under 1), and the play
    // idled at the same time until its step limit, leaving the second chunk out (30 s).
    const chained = {
      jobId: "long",
      cls: "interactive" as const,
      bucket: 1,
      remaining: [0, 1].map((index) => ({ index, audioSec: index ? 10 : 300 })),
      chained: true,
    };
    const queues = [queue(1, [chunk("long", 0, 2, 300, NOW)], [])];
    const arrivals = [{ cls: "interactive" as const, bucket: 2, everySec: 60 / 7, chunks: 1, audioSec: 10, firstAt: NOW + 60_000 / 7 }];
    expect(forecastTranscribe({ ...base(queues, chained), arrivals })).toEqual({ startInSec: 0, finishInSec: 31, ahead: 0 });
  });

  it("draws a finish past its step limit out at the pace the job's chunks started", () => {
    // One slot; interactive jobs to come (4 s of work a second) keep batch to every 5th dispatch: a
    // batch job of 3000 one-second chunks starts one every 5 s. The play stops after 10,000
    // dispatches (2000 of its chunks, the last ending at 10,000 s); the other 1000 at 5 s each.
    const batchJob = {
      jobId: "batch",
      cls: "batch" as const,
      bucket: 1,
      remaining: Array.from({ length: 3000 }, (_, index) => ({ index, audioSec: 10 })),
      chained: false,
    };
    const arrivals = [{ cls: "interactive" as const, bucket: 2, everySec: 1, chunks: 4, audioSec: 10, firstAt: NOW }];
    expect(forecastTranscribe({ ...base([], batchJob), slots: 1, arrivals })).toEqual({ startInSec: 4, finishInSec: 15_000, ahead: 4 });
  });

  it("serves the buckets after the one served last when that is known, else takes the mean of both orders", () => {
    // One slot; another user's 2 chunks of 10 s (1 s each) wait beside the short job's 4.
    const input = { ...base([queue(2, [], [chunk("other", 0, 2, 10), chunk("other", 1, 2, 10)])], shortJob()), slots: 1 };
    // Bucket 2 served last: bucket 1 next, so the job starts now; the buckets alternate, then its last two run: 6 s.
    expect(forecastTranscribe({ ...input, cursor: { interactive: 2 } })).toEqual({ startInSec: 0, finishInSec: 6, ahead: 0 });
    // Bucket 1 served last: bucket 2 first, one chunk ahead.
    expect(forecastTranscribe({ ...input, cursor: { interactive: 1 } })).toEqual({ startInSec: 1, finishInSec: 6, ahead: 1 });
    // Unknown: the mean of the two.
    expect(forecastTranscribe(input)).toEqual({ startInSec: 0.5, finishInSec: 6, ahead: 1 });
  });

  it("waits for the first busy slot to free, then takes turns with the long job of the same owner (its next chunk queued behind)", () => {
    // The owner's long job runs on both slots (started 1 s and 4 s ago, 6 s each) with its chunk 3 queued one ahead.
    const long = queue(1, [chunk("long", 1, 10, 60, NOW - 4000), chunk("long", 2, 10, 60, NOW - 1000)], [chunk("long", 3, 10, 60)]);
    const own = { ...long, waiting: [...long.waiting, ...[0, 1, 2, 3].map((i) => chunk("short", i, 4, 10))] };
    const f = forecastTranscribe(base([own], shortJob()));
    // Slot A frees at 2 s and takes long 3 (which queues long 4 behind the short job); slot B frees
    // at 5 s and runs the short job's 4 chunks, 1 s each, before long 4.
    expect(f).toEqual({ startInSec: 5, finishInSec: 9, ahead: 1 });
  });

  it("plays a chained job none of whose chunks is queued yet, while the owner's short job runs with chunks still to queue", () => {
    // The owner's short job runs on both slots (chunks of 10 s, 1 s each, just started), its chunks 2-3 still to be queued
    // as those end; the long job (3 chunks of 60 s, one ahead) has just been sized by ingest: nothing of it is in the stream.
    const short = queue(1, [chunk("short", 0, 4, 10, NOW), chunk("short", 1, 4, 10, NOW)], []);
    const long = { jobId: "long", cls: "interactive" as const, bucket: 1, remaining: [0, 1, 2].map((index) => ({ index, audioSec: 60 })), chained: true };
    const f = forecastTranscribe(base([short], long));
    // Long 0 is queued now and takes the first slot to free (1 s); its 3 chunks of 6 s then take turns with the short
    // job's last two on the two slots: the long job ends after at least two of its chunks in a row, at most all three.
    expect(f.startInSec).toBe(1);
    expect(f.finishInSec).toBeGreaterThanOrEqual(1 + 6 + 6);
    expect(f.finishInSec).toBeLessThanOrEqual(1 + 18 + 2);
  });

  it("takes the first slot to free when the long job, started with every slot busy, queues its next chunk only as one ends", () => {
    // Long 1 started with a slot free (it queued long 2, running now); long 2 started with none: long 3 comes at its end.
    const long = queue(1, [chunk("long", 1, 10, 60, NOW - 4000), chunk("long", 2, 10, 60, NOW - 1000)], []);
    const own = { ...long, waiting: [0, 1, 2, 3].map((i) => chunk("short", i, 4, 10)) };
    // Slot A frees at 2 s and runs the short job's chunks until 5 s; at 5 s long 3 is queued behind the last one.
    expect(forecastTranscribe(base([own], shortJob()))).toEqual({ startInSec: 2, finishInSec: 6, ahead: 0 });
  });

  it("lets another user's bucket take every other free slot, whichever bucket the round-robin serves first", () => {
    const theirs = queue(
      2,
      [],
      [0, 1, 2, 3].map((i) => chunk("theirs", i, 4, 10)),
    );
    const f = forecastTranscribe({ ...base([theirs], shortJob()), slots: 1 });
    // One slot: served first, the short job ends after 4 of its and 3 of theirs (7 s); served second, after 8 s.
    expect(f.finishInSec).toBeCloseTo(7.5);
    expect(f.startInSec).toBeCloseTo(0.5);
    expect(f.ahead).toBe(1); // 0 or 1 of theirs first: rounded up
  });

  it("queues a chained job's chunks one at a time as each starts, behind what waits", () => {
    const theirs = queue(1, [], [chunk("other", 0, 1, 20)]);
    const chained = { jobId: "long", cls: "interactive" as const, bucket: 1, remaining: [0, 1].map((index) => ({ index, audioSec: 30 })), chained: true };
    // One slot: the chunk already waiting in the bucket (2 s), then long 0, which lets long 1 in behind it.
    expect(forecastTranscribe({ ...base([theirs], chained), slots: 1 })).toEqual({ startInSec: 2, finishInSec: 8, ahead: 1 });
  });

  it("gives batch work every 5th dispatch while interactive work waits", () => {
    const batch = queue(
      3,
      [],
      [0, 1, 2, 3, 4].map((i) => chunk("batch", i, 5, 10)),
      "batch",
    );
    const f = forecastTranscribe({ ...base([batch], shortJob()), slots: 1 });
    expect(f.finishInSec).toBe(4); // all four interactive chunks go before the 5th dispatch
    const manyBatch = forecastTranscribe({
      ...base([batch], { ...shortJob(), remaining: Array.from({ length: 8 }, (_, index) => ({ index, audioSec: 10 })) }),
      slots: 1,
    });
    expect(manyBatch.finishInSec).toBe(9); // the 5th dispatch goes to batch, the 8th interactive chunk is the 9th
  });
});
