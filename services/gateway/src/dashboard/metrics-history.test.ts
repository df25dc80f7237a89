import type { JobEvent } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { metricsHistory } from "./metrics-history.ts";

const T0 = Date.parse("2026-01-01T10:00:00Z");
const ev = (sec: number, jobId: string, type: JobEvent["type"], stage?: JobEvent["stage"]): JobEvent => ({
  v: 1,
  type,
  jobId: jobId.padEnd(26, "0"),
  userId: "u1",
  status: "processing",
  progress: 0,
  ...(stage ? { stage } : {}),
  at: new Date(T0 + sec * 1000).toISOString(),
});

describe("metricsHistory", () => {
  it("counts completions and failures per minute, mean stage latency, and jobs waiting per stage at each minute's end", () => {
    const events = [
      ev(5, "a", "queued"),
      ev(10, "b", "queued"),
      ev(20, "a", "stage.started", "ingest"),
      ev(50, "a", "stage.done", "ingest"),
      ev(70, "a", "stage.started", "transcribe"),
      ev(80, "b", "stage.started", "ingest"),
      ev(100, "b", "stage.done", "ingest"),
      ev(130, "a", "stage.done", "transcribe"),
      ev(150, "a", "completed"),
      ev(170, "b", "failed"),
    ];
    const h = metricsHistory(events, T0 + 180_000, 3);
    expect(h.buckets.map((b) => b.at)).toEqual(["2026-01-01T10:00:00.000Z", "2026-01-01T10:01:00.000Z", "2026-01-01T10:02:00.000Z"]);
    expect(h.buckets.map((b) => [b.completed, b.failed])).toEqual([
      [0, 0],
      [0, 0],
      [1, 1],
    ]);
    expect(h.buckets[0]!.stageLatencySec).toEqual({ ingest: 30 });
    expect(h.buckets[1]!.stageLatencySec).toEqual({ ingest: 20 });
    expect(h.buckets[2]!.stageLatencySec).toEqual({ transcribe: 60 });
    // End of minute 0: a waits for transcribe, b for ingest; minute 1: b waits for transcribe; minute 2: nothing.
    expect(h.buckets.map((b) => b.waiting)).toEqual([
      { ingest: 1, transcribe: 1, assemble: 0, diarize: 0, enhance: 0 },
      { ingest: 0, transcribe: 1, assemble: 0, diarize: 0, enhance: 0 },
      { ingest: 0, transcribe: 0, assemble: 0, diarize: 0, enhance: 0 },
    ]);
  });

  it("ignores events outside the window", () => {
    const h = metricsHistory([ev(-30, "a", "completed"), ev(400, "b", "completed")], T0 + 120_000, 2);
    expect(h.buckets.reduce((n, b) => n + b.completed, 0)).toBe(0);
  });
});
