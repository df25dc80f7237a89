import { describe, expect, it } from "vitest";
import { createArrivalLog } from "./arrival-log.ts";
import type { ChunkQueue, QueuedChunk } from "./transcribe-forecast.ts";

const T = 1_000_000;
const chunk = (jobId: string, index: number, audioSec = 10): QueuedChunk => ({ jobId, index, count: 4, audioSec, publishedAt: T });
const q = (bucket: number, running: QueuedChunk[], waiting: QueuedChunk[] = []): ChunkQueue => ({ cls: "interactive", bucket, running, waiting });

describe("arrival log", () => {
  it("gives no rate before the listings have watched for 10 s", () => {
    const log = createArrivalLog();
    log.see(T, [q(1, [chunk("a", 0)], [chunk("a", 1)])]);
    expect(log.rates(T + 9_000)).toEqual([]);
  });

  it("counts each job once, where and when it was first seen, with the most of its chunks seen at once", () => {
    const log = createArrivalLog();
    log.see(T, [q(1, [chunk("a", 0)], [chunk("a", 1), chunk("a", 2), chunk("a", 3)])]);
    log.see(T + 5_000, [q(1, [chunk("a", 3)]), q(2, [chunk("b", 0, 30)], [chunk("b", 1, 30)])]);
    log.see(T + 15_000, [q(2, [chunk("c", 0, 20)])]);
    // 20 s watched: bucket 1 had one job of 4 chunks (one every 20 s); bucket 2 two, of 2 and 1 chunks.
    expect(log.rates(T + 20_000)).toEqual([
      { cls: "interactive", bucket: 1, everySec: 20, chunks: 4, audioSec: 10 },
      { cls: "interactive", bucket: 2, everySec: 10, chunks: 2, audioSec: 25 },
    ]);
  });

  it("looks back one minute: jobs first seen earlier no longer count", () => {
    const log = createArrivalLog();
    log.see(T, [q(1, [chunk("old", 0)])]);
    log.see(T + 50_000, [q(2, [chunk("new", 0)])]);
    expect(log.rates(T + 70_000)).toEqual([{ cls: "interactive", bucket: 2, everySec: 60, chunks: 1, audioSec: 10 }]);
  });
});
