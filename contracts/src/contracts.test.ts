import { describe, expect, it } from "vitest";
import { COMMANDS, ERROR_CODES, JobEvent, JobOptions, STAGES, STAGE_LANES, Subjects, Transcript, canTransition, durableName } from "./index.ts";

describe("subjects and lanes", () => {
  it("routes every stage to its lane with one subject per class", () => {
    for (const stage of STAGES) {
      expect(Subjects.work(stage, "batch")).toBe(`mp4t.v1.work.${STAGE_LANES[stage]}.${stage}.batch`);
      expect(Subjects.stageFilter(stage)).toBe(`mp4t.v1.work.${STAGE_LANES[stage]}.${stage}.>`);
    }
    expect(new Set(STAGES.map(durableName)).size).toBe(STAGES.length);
  });
});

describe("job options", () => {
  it("fills defaults and rejects unknown fields and bad values", () => {
    expect(JobOptions.parse({})).toEqual({ language: "en", diarize: true, enhance: [], class: "interactive" });
    expect(JobOptions.safeParse({ colour: "blue" }).success).toBe(false);
    expect(JobOptions.safeParse({ speakers: 0 }).success).toBe(false);
    expect(JobOptions.safeParse({ enhance: ["translate:de", "summary"] }).success).toBe(true);
    expect(JobOptions.safeParse({ enhance: ["translate:"] }).success).toBe(false);
    expect(JobOptions.safeParse({ class: "urgent" }).success).toBe(false);
  });

  it("takes a speaker range and refuses one that is empty or leaves out the exact count", () => {
    expect(JobOptions.parse({ minSpeakers: 2, maxSpeakers: 4 })).toMatchObject({ minSpeakers: 2, maxSpeakers: 4 });
    expect(JobOptions.parse({ speakers: 3, maxSpeakers: 3 })).toMatchObject({ speakers: 3 });
    const empty = JobOptions.safeParse({ minSpeakers: 3, maxSpeakers: 2 });
    expect(empty.success).toBe(false);
    expect(empty.error?.issues[0]?.path).toEqual(["maxSpeakers"]);
    expect(JobOptions.safeParse({ speakers: 5, maxSpeakers: 4 }).error?.issues[0]?.path).toEqual(["speakers"]);
    expect(JobOptions.safeParse({ maxSpeakers: 0 }).success).toBe(false);
  });
});

describe("job state machine", () => {
  it("allows the forward path and forbids leaving a terminal state", () => {
    expect(canTransition("queued", "processing")).toBe(true);
    expect(canTransition("processing", "completed")).toBe(true);
    expect(canTransition("completed", "processing")).toBe(false);
    expect(canTransition("failed", "failed")).toBe(false);
    expect(canTransition("canceled", "queued")).toBe(false);
    expect(canTransition("processing", "processing")).toBe(true);
  });
});

describe("messages", () => {
  const jobId = "01jd3f5h7k9m1p3r5t7v9x1z3b";
  it("validates commands strictly", () => {
    expect(COMMANDS.ingest.safeParse({ v: 1, jobId, userId: "u1" }).success).toBe(true);
    expect(COMMANDS.ingest.safeParse({ v: 2, jobId, userId: "u1" }).success).toBe(false);
    expect(COMMANDS.ingest.safeParse({ v: 1, jobId, userId: "u1", extra: 1 }).success).toBe(false);
    expect(COMMANDS.transcribe.safeParse({ v: 1, jobId, userId: "u1", chunk: { index: 0, count: 1, startSec: 0, endSec: 3 } }).success).toBe(true);
  });
  it("validates events and transcripts", () => {
    const e = { v: 1, type: "progress", jobId, userId: "u1", status: "processing", progress: 0.5, stage: "transcribe", at: new Date().toISOString() };
    expect(JobEvent.safeParse(e).success).toBe(true);
    expect(JobEvent.safeParse({ ...e, progress: 2 }).success).toBe(false);
    expect(Transcript.safeParse({ language: "en", durationSec: 1, text: "", speakers: [], segments: [], enhancements: {} }).success).toBe(true);
  });
  it("documents every error code", () => {
    for (const [code, text] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z_]+$/);
      expect(text.length).toBeGreaterThan(10);
    }
  });
});
