import { describe, expect, it } from "vitest";
import { BlobKeys, MessageIds, PIPELINE, type STAGES, chunksPrefix, messageId, temporaryBlobKeys } from "./index.ts";

const job = "01jab0000000000000000000zz";
const ref = { v: 1 as const, jobId: job, userId: "u1" };

describe("the declared pipeline", () => {
  it("builds each stage's message id from its command", () => {
    expect(messageId("ingest", ref)).toBe(`ingest:${job}`);
    expect(messageId("transcribe", { ...ref, chunk: { index: 3, count: 5, startSec: 0, endSec: 1 } })).toBe(`transcribe:${job}:3`);
    expect(messageId("diarize", ref)).toBe(`diarize:${job}`);
    expect(messageId("enhance", ref)).toBe(`enhance:${job}`);
    expect(messageId("cleanup", { ...ref, reason: "rejected" })).toBe(`cleanup:${job}:rejected`);
    expect(MessageIds.reap(job, "transcribe", 2, 4)).toBe(`reap:${job}:transcribe:2:4`);
    expect(MessageIds.reap(job, "diarize", 1)).toBe(`reap:${job}:diarize:1`);
  });

  it("chains every stage to the next, ending at cleanup, and shows diarize as assemble", () => {
    const order: string[] = [];
    for (let s: (typeof STAGES)[number] | null = "ingest"; s; s = PIPELINE[s].next) order.push(s);
    expect(order).toEqual(["ingest", "transcribe", "diarize", "enhance", "cleanup"]);
    expect(PIPELINE.diarize.step).toBe("assemble");
  });

  it("lists a job's temporary blobs: chunk audio and results, the diarized transcript, never the upload or the transcript", () => {
    const keys = temporaryBlobKeys(job, 2);
    expect(keys.sort()).toEqual(
      [BlobKeys.chunkAudio(job, 0), BlobKeys.chunkAudio(job, 1), BlobKeys.chunkResult(job, 0), BlobKeys.chunkResult(job, 1), BlobKeys.diarized(job)].sort(),
    );
    expect(temporaryBlobKeys(job)).toEqual([BlobKeys.diarized(job)]);
    expect(BlobKeys.chunkAudio(job, 0).startsWith(chunksPrefix(job))).toBe(true);
  });
});
