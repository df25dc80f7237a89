import { describe, expect, it } from "vitest";
import { createArrivalLog } from "./arrival-log.ts";
import type { ChunkQueue, QueuedChunk } from "./transcribe-forecast.ts";

const T = 1_000_000;
/** A job's chunks 0..count-1 (the first running), of `audioSec` each. */
const whole = (bucket: number, jobId: string, count = 4, audioSec = 10): ChunkQueue => {
  const chunks: QueuedChunk[] = Array.from({ length: count }, (_, index) => ({ jobId, index, count, audioSec, publishedAt: T }));
  return { cls: "interactive", bucket, running: chunks.slice(0, 1), waiting: chunks.slice(1) };
};
/** Listings every `every` ms from `from` to `to`, showing what `at` gives for that time. */
const watch = (log: ReturnType<typeof createArrivalLog>, from: number, to: number, at: (t: number) => ChunkQueue[], every = 4000) => {
  for (let t = from; t <= to; t += every) log.see(t, at(t));
};

describe("arrival log", () => {
  it("gives no rate before the listings have watched for 10 s", () => {
    const log = createArrivalLog();
    watch(log, T, T + 8000, (t) => (t === T + 4000 ? [whole(1, "a")] : []));
    expect(log.rates(T + 9_000)).toEqual([]);
  });

  it("counts each job once, where and when it was first seen, of its chunk count and chunk audio; the next due one interval after the last", () => {
    const log = createArrivalLog();
    log.see(T, []);
    log.see(T + 2_000, [whole(1, "a")]);
    log.see(T + 5_000, [whole(1, "a"), whole(2, "b", 2, 30)]);
    log.see(T + 9_000, []);
    log.see(T + 13_000, [whole(2, "c", 1, 20)]);
    log.see(T + 17_000, []);
    // 20 s watched: bucket 1 one job of 4 chunks (one every 20 s, due 20 s after it was seen);
    // bucket 2 two, of 2 and 1 chunks (one every 10 s, 2 chunks, of 80 s / 3 chunks, due 10 s after c).
    expect(log.rates(T + 20_000)).toEqual([
      { cls: "interactive", bucket: 1, everySec: 20, chunks: 4, audioSec: 10, firstAt: T + 22_000 },
      { cls: "interactive", bucket: 2, everySec: 10, chunks: 2, audioSec: 80 / 3, firstAt: T + 23_000 },
    ]);
  });

  it("plays a job overdue (its interval since the last one past) as one interval from now", () => {
    const log = createArrivalLog();
    log.see(T, []);
    log.see(T + 1_000, [whole(1, "a", 1)]);
    log.see(T + 2_000, [whole(1, "b", 1)]);
    watch(log, T + 6_000, T + 18_000, () => []);
    expect(log.rates(T + 20_000)).toEqual([{ cls: "interactive", bucket: 1, everySec: 10, chunks: 1, audioSec: 10, firstAt: T + 30_000 }]);
  });

  it("leaves out a job never seen queued whole (a chained long job: its chain is played on its own)", () => {
    const log = createArrivalLog();
    const long = (i: number): ChunkQueue => {
      const c = (index: number) => ({ jobId: "long", index, count: 20, audioSec: 60, publishedAt: T });
      return { cls: "interactive", bucket: 1, running: [c(i)], waiting: [c(i + 1)] };
    };
    log.see(T, []);
    log.see(T + 1_000, [long(0), whole(2, "short", 2)]);
    log.see(T + 5_000, [long(1)]);
    log.see(T + 10_000, [long(2)]);
    expect(log.rates(T + 10_000)).toEqual([{ cls: "interactive", bucket: 2, everySec: 10, chunks: 2, audioSec: 10, firstAt: T + 11_000 }]);
  });

  it("does not count what the first listing, or the first after a gap, shows (there before: a backlog), and starts watching over after a gap", () => {
    const log = createArrivalLog();
    watch(log, T, T + 12_000, () => [whole(1, "backlog")]);
    expect(log.rates(T + 12_000)).toEqual([]);
    // 18 s without a listing, then b (there before), then c arrives: only c counts, over the 11 s watched since.
    log.see(T + 30_000, [whole(2, "b")]);
    log.see(T + 34_000, []);
    log.see(T + 38_000, []);
    log.see(T + 41_000, [whole(2, "c")]);
    expect(log.rates(T + 41_000)).toEqual([{ cls: "interactive", bucket: 2, everySec: 11, chunks: 4, audioSec: 10, firstAt: T + 52_000 }]);
  });

  it("looks back one minute: jobs first seen earlier no longer count, nor does one still listed since (it is not counted again)", () => {
    const log = createArrivalLog();
    watch(log, T, T + 120_000, (t) => [
      ...(t >= T + 4_000 ? [whole(3, "stays")] : []),
      ...(t === T + 8_000 ? [whole(1, "old", 1)] : []),
      ...(t === T + 100_000 ? [whole(2, "new", 1)] : []),
    ]);
    expect(log.rates(T + 120_000)).toEqual([{ cls: "interactive", bucket: 2, everySec: 60, chunks: 1, audioSec: 10, firstAt: T + 160_000 }]);
  });
});
