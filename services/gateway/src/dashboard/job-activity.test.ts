import type { JobEvent } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { summarizeJobEvents, systemSuccessRate } from "./job-activity.ts";

const USER = "01kbz7m3qf8yq2v6w0z9d1x4ab";
const ev = (jobId: string, type: JobEvent["type"], at: string, extra: Partial<JobEvent> = {}): JobEvent => ({
  v: 1,
  type,
  jobId,
  userId: USER,
  status: type === "completed" ? "completed" : type === "failed" ? "failed" : type === "queued" ? "queued" : "processing",
  progress: type === "completed" ? 1 : 0.1,
  at: `2026-01-01T00:${at}Z`,
  ...extra,
});

describe("summarizeJobEvents", () => {
  const A = "01kbz7m3qf8yq2v6w0z9d1x4aa";
  const B = "01kbz7m3qf8yq2v6w0z9d1x4ac";
  const C = "01kbz7m3qf8yq2v6w0z9d1x4ad";
  const events = [
    ev(A, "queued", "00:00.000"),
    ev(A, "stage.started", "00:01.000", { stage: "ingest" }),
    ev(B, "queued", "00:02.000"),
    ev(A, "stage.done", "00:03.000", { stage: "ingest" }),
    ev(B, "stage.started", "00:04.000", { stage: "ingest" }),
    ev(B, "failed", "00:05.000", { stage: "ingest", error: { code: "MEDIA_UNREADABLE", message: "not media" } }),
    ev(A, "completed", "01:00.000"),
    ev(C, "stage.started", "01:30.000", { stage: "transcribe" }),
  ];

  it("counts outcomes, success rate, throughput and failures by code", () => {
    const a = summarizeJobEvents(events);
    expect(a.jobs).toEqual({ seen: 3, queued: 0, completed: 1, failed: 1, canceled: 0, active: 1 });
    expect(a.successRate).toBe(0.5);
    expect(a.throughputPerMin).toEqual({ completed: 0.667, failed: 0.667 }); // 1 each over 90 s
    expect(a.failuresByCode).toEqual({ MEDIA_UNREADABLE: 1 });
    expect(a.window).toEqual({ events: 8, from: events[0]!.at, to: events[7]!.at });
  });

  it("leaves the user's mistakes out of the system's success rate (the health policy)", () => {
    const a = summarizeJobEvents(events);
    expect(systemSuccessRate(a)).toBe(1); // B failed on MEDIA_UNREADABLE: the upload's fault
    const D = "01kbz7m3qf8yq2v6w0z9d1x4ae";
    const worse = summarizeJobEvents([...events, ev(D, "failed", "01:40.000", { error: { code: "STAGE_TIMEOUT", message: "stuck" } })]);
    expect(systemSuccessRate(worse)).toBe(0.5);
    expect(systemSuccessRate(summarizeJobEvents([ev(B, "failed", "00:05.000", { error: { code: "LANGUAGE_UNSUPPORTED", message: "x" } })]))).toBeNull();
  });

  it("measures stage latency from stage.started to stage.done, only for stages that finished", () => {
    expect(summarizeJobEvents(events).stageLatency).toEqual([{ stage: "ingest", count: 1, avgSec: 2, p50Sec: 2, p95Sec: 2, maxSec: 2 }]);
  });

  it("lists the most recently active jobs first with their last state and error", () => {
    const recent = summarizeJobEvents(events, { recent: 2 }).recentJobs;
    expect(recent.map((j) => [j.id, j.status, j.stage])).toEqual([
      [C, "processing", "transcribe"],
      [A, "completed", "ingest"],
    ]);
    expect(summarizeJobEvents(events).recentJobs.find((j) => j.id === B)?.error?.code).toBe("MEDIA_UNREADABLE");
  });

  it("has no success rate before any job finished", () => {
    expect(summarizeJobEvents([]).successRate).toBeNull();
    expect(summarizeJobEvents([]).recentJobs).toEqual([]);
  });
});
