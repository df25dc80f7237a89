import { describe, expect, it } from "vitest";
import type { QueueCell, QueueSnapshot } from "./queue-snapshot.ts";
import { laneView, stageView } from "./queue-views.ts";
import { workSubjectCell } from "./stream-read.ts";

const consumer = (name: string, pending: number, ackPending = 0, paused = false) => ({
  name,
  pending,
  ackPending,
  redelivered: 0,
  waitingPulls: 1,
  paused,
  pauseUntil: paused ? "2030-01-01T00:00:00Z" : null,
});
const cell = (over: Partial<QueueCell>): QueueCell => ({
  lane: "high",
  stage: "transcribe",
  cls: "interactive",
  bucket: 0,
  stored: 0,
  consumer: null,
  oldestWaitingAt: null,
  ...over,
});

const at = 100_000;
const snap: QueueSnapshot = {
  at,
  cells: [
    cell({ bucket: 0, stored: 5, consumer: consumer("transcriber-transcribe-interactive-b0", 3, 2), oldestWaitingAt: at - 40_000 }),
    cell({ bucket: 1, stored: 1, consumer: consumer("transcriber-transcribe-interactive-b1", 0, 1, true) }),
    cell({ cls: "batch", bucket: 0, stored: 2, consumer: consumer("transcriber-transcribe-batch-b0", 2), oldestWaitingAt: at - 10_000 }),
    // ingest never started: everything it stores waits
    cell({ lane: "critical", stage: "ingest", stored: 4, oldestWaitingAt: at - 70_000 }),
  ],
};

describe("queue views: projections of one snapshot", () => {
  it("per stage: counts from the consumers, stored messages by class, the oldest waiting message", () => {
    const [transcribe] = stageView(snap, ["transcribe"]);
    expect(transcribe).toMatchObject({
      lane: "high",
      byClass: { interactive: 6, batch: 2 },
      pending: 5,
      ackPending: 3,
      waitingPulls: 3,
      paused: true,
      pauseUntil: "2030-01-01T00:00:00Z",
      oldestAgeSec: 40,
      consumerExists: true,
      consumer: "transcriber-transcribe-* (3)",
    });
    expect(stageView(snap, ["ingest"])[0]).toMatchObject({ pending: 4, oldestAgeSec: 70, consumerExists: false, consumer: "ingest-ingest" });
  });

  it("per lane and class: the same pending and oldest waiting, summed across stages and buckets", () => {
    const lanes = laneView(snap);
    expect(lanes.find((l) => l.lane === "high" && l.class === "interactive")).toEqual({
      lane: "high",
      class: "interactive",
      pending: 3,
      inFlight: 3,
      redelivered: 0,
      oldestWaitingSec: 40,
    });
    expect(lanes.find((l) => l.lane === "high" && l.class === "batch")).toMatchObject({ pending: 2, oldestWaitingSec: 10 });
    expect(lanes.find((l) => l.lane === "critical" && l.class === "interactive")).toMatchObject({ pending: 4, inFlight: 0, oldestWaitingSec: 70 });
    expect(lanes.find((l) => l.lane === "low" && l.class === "batch")).toMatchObject({ pending: 0, oldestWaitingSec: null });
  });
});

describe("workSubjectCell", () => {
  it("reads class and bucket from a work subject; a bucket-less subject belongs to bucket 0", () => {
    expect(workSubjectCell("mp4t.v1.work.high.transcribe.b7.batch")).toEqual({ cls: "batch", bucket: 7 });
    expect(workSubjectCell("mp4t.v1.work.low.cleanup.interactive")).toEqual({ cls: "interactive", bucket: 0 });
    expect(workSubjectCell("mp4t.v1.work.low.cleanup.other")).toBeNull();
  });
});
