import type { Job } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { eventFromJob, formatSse } from "./job-event-stream.ts";

const job: Job = {
  id: "01hzzzzzzzzzzzzzzzzzzzzzzz",
  userId: "u1",
  status: "failed",
  progress: 0.1,
  fileName: "a.mp4",
  sizeBytes: 1,
  options: { language: "en", diarize: true, enhance: [], class: "interactive" },
  stages: {},
  error: { code: "MEDIA_NO_AUDIO", message: "no audio" },
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-01T00:01:00.000Z",
};

describe("formatSse", () => {
  it("writes one event block with type, optional id and JSON data", () => {
    const event = eventFromJob(job)!;
    expect(formatSse(event, 12)).toBe(`event: failed\nid: 12\ndata: ${JSON.stringify(event)}\n\n`);
    expect(formatSse(event)).toBe(`event: failed\ndata: ${JSON.stringify(event)}\n\n`);
  });
});

describe("eventFromJob", () => {
  it("makes the terminal event of a finished job from its record", () => {
    expect(eventFromJob(job)).toEqual({
      v: 1,
      type: "failed",
      jobId: job.id,
      userId: "u1",
      status: "failed",
      progress: 0.1,
      error: { code: "MEDIA_NO_AUDIO", message: "no audio" },
      at: job.updatedAt,
    });
  });

  it("makes nothing for a job still in progress", () => {
    expect(eventFromJob({ ...job, status: "processing" })).toBeNull();
  });
});
