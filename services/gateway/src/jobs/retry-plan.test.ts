import { BlobKeys, type Job } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { planRetry } from "./retry-plan.ts";

const at = new Date().toISOString();
const id = "01jd3f5h7k9m1p3r5t7v9x1z3b";
const done = { status: "done" as const, startedAt: at, finishedAt: at };
const failed = { status: "failed" as const, startedAt: at };
const job = (over: Partial<Job>): Job => ({
  id,
  userId: "u",
  status: "failed",
  progress: 0.5,
  fileName: "a.mp4",
  sizeBytes: 1,
  options: { language: "en", diarize: true, enhance: [], class: "interactive" },
  stages: {},
  createdAt: at,
  updatedAt: at,
  chunks: { count: 2, done: [0, 1] },
  ...over,
});
/** A blob store holding exactly these keys (only `stat` exists: any other call fails the test). */
const holding = (...keys: string[]) => ({ stat: async (key: string) => (keys.includes(key) ? { key, size: 1 } : null) });
const upload = BlobKeys.upload(id);
const diarizeInputs = [BlobKeys.audio(id), BlobKeys.chunkResult(id, 0), BlobKeys.chunkResult(id, 1)];

describe("planRetry", () => {
  it("is impossible without the upload", async () => {
    expect(await planRetry(job({ stages: { ingest: failed } }), holding())).toBeNull();
    expect(await planRetry(job({ mediaDeletedAt: at }), holding(upload))).toBeNull();
  });

  it("resumes ingest and transcribe failures through ingest, keeping the chunks done", async () => {
    expect(await planRetry(job({ stages: { ingest: failed } }), holding(upload))).toEqual({ stage: "ingest", restart: false });
    expect(await planRetry(job({ stages: { ingest: done, transcribe: failed } }), holding(upload))).toEqual({ stage: "ingest", restart: false });
  });

  it("resumes diarize and enhance where they failed when their inputs are stored", async () => {
    const stages = { ingest: done, transcribe: done };
    expect(await planRetry(job({ stages: { ...stages, diarize: failed } }), holding(upload, ...diarizeInputs))).toEqual({ stage: "diarize", restart: false });
    expect(await planRetry(job({ stages: { ...stages, diarize: done, enhance: failed } }), holding(upload, BlobKeys.diarized(id)))).toEqual({
      stage: "enhance",
      restart: false,
    });
    expect(await planRetry(job({ stages: { ...stages, diarize: done, enhance: failed } }), holding(upload, ...diarizeInputs))).toEqual({
      stage: "diarize",
      restart: false,
    });
  });

  it("starts over from ingest when the failed stage's inputs are gone", async () => {
    const stages = { ingest: done, transcribe: done };
    expect(await planRetry(job({ stages: { ...stages, diarize: failed } }), holding(upload, BlobKeys.audio(id)))).toEqual({ stage: "ingest", restart: true });
    expect(await planRetry(job({ stages: { ...stages, diarize: done, enhance: failed } }), holding(upload))).toEqual({ stage: "ingest", restart: true });
  });
});
