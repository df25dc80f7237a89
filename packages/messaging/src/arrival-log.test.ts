import { describe, expect, it } from "vitest";
import { createArrivalLog } from "./arrival-log.ts";
import type { ChunkQueue, QueuedChunk } from "./transcribe-forecast.ts";

const T = 1_000_000;
const chunk = (jobId: string, index: number, audioSec = 10, count = 4): QueuedChunk => ({ jobId, index, count, audioSec, publishedAt: T });
const q = (bucket: number, running: QueuedChunk[], waiting: QueuedChunk[] = []): ChunkQueue => ({ cls: "interactive", bucket, running, waiting });

describe("arrival log", () => {
  it("gives no rate before the listings have watched for 10 s", () => {
    const log = createArrivalLog();
    log.see(T, [q(1, [chunk("a", 0)], [chunk("a", 1), chunk("a", 2), chunk("a", 3)])]);
    expect(log.rates(T + 9_000)).toEqual([]);
  });

  it("counts each job once, where and when it was first seen, of its chunk count; the next due one interval after the last", () => {
    const log = createArrivalLog();
    log.see(T, [q(1, [chunk("a", 0)], [chunk("a", 1), chunk("a", 2), chunk("a", 3)])]);
    log.see(T + 5_000, [q(1, [chunk("a", 3)]), q(2, [chunk("b", 0, 30, 2)], [chunk("b", 1, 30, 2)])]);
    log.see(T + 15_000, [q(2, [chunk("c", 0, 20, 1)])]);
    // 20 s watched: bucket 1 had one job of 4 chunks (one every 20 s, due 20 s after it was seen:
    // now); bucket 2 two, of 2 and 1 chunks (one every 10 s, due 10 s after the last).
    expect(log.rates(T + 20_000)).toEqual([
      { cls: "interactive", bucket: 1, everySec: 20, chunks: 4, audioSec: 10, firstAt: T + 20_000 },
      { cls: "interactive", bucket: 2, everySec: 10, chunks: 2, audioSec: 25, firstAt: T + 25_000 },
    ]);
  });

  it("plays a job overdue (its interval since the last one past) as one interval from now", () => {
    const log = createArrivalLog();
    log.see(T, [q(1, [chunk("a", 0, 10, 1)])]);
    log.see(T + 1_000, [q(1, [chunk("b", 0, 10, 1)])]);
    log.see(T + 20_000, []);
    expect(log.rates(T + 20_000)).toEqual([{ cls: "interactive", bucket: 1, everySec: 10, chunks: 1, audioSec: 10, firstAt: T + 30_000 }]);
  });

  it("leaves out a job never seen queued whole (a chained long job: its chain is played on its own)", () => {
    const log = createArrivalLog();
    log.see(T, [q(1, [chunk("long", 0, 60, 20)], [chunk("long", 1, 60, 20)]), q(2, [chunk("short", 0, 10, 2)], [chunk("short", 1, 10, 2)])]);
    log.see(T + 10_000, [q(1, [chunk("long", 2, 60, 20)], [chunk("long", 3, 60, 20)])]);
    expect(log.rates(T + 10_000)).toEqual([{ cls: "interactive", bucket: 2, everySec: 10, chunks: 2, audioSec: 10, firstAt: T + 10_000 }]);
  });

  it("looks back one minute: jobs first seen earlier no longer count", () => {
    const log = createArrivalLog();
    log.see(T, [q(1, [chunk("old", 0, 10, 1)])]);
    log.see(T + 50_000, [q(2, [chunk("new", 0, 10, 1)])]);
    expect(log.rates(T + 70_000)).toEqual([{ cls: "interactive", bucket: 2, everySec: 60, chunks: 1, audioSec: 10, firstAt: T + 110_000 }]);
  });
});
