import { stat } from "node:fs/promises";
import { join } from "node:path";
import { BlobKeys } from "@mp4t/contracts";
import { makeLibrivoxMp4, makeSilenceMp4 } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./ingest-harness.ts";

/** Ingest over the file blob store (npm start's default on one machine): what it writes, and how. */
let h: Harness & { blobDir?: string };
beforeAll(async () => {
  h = await startHarness({ blobs: "file" });
});
afterAll(async () => {
  await h?.close();
});

const fileOf = (key: string) => join(h.blobDir!, ...key.split("/"));

describe("ingest with blobs in files", () => {
  it("a one-chunk job's chunk is its audio, byte for byte, under a second name (one file, not two)", async () => {
    const ref = await h.newJob(await makeSilenceMp4(join(h.mediaDir, "four.mp4"), 4));
    await h.ingest(ref);
    const audio = (await h.blobs.getBytes(BlobKeys.audio(ref.jobId)))!;
    const chunk = (await h.blobs.getBytes(BlobKeys.chunkAudio(ref.jobId, 0)))!;
    expect(Buffer.from(chunk).equals(Buffer.from(audio))).toBe(true);
    expect(Buffer.from(chunk).readUInt32LE(40)).toBe(chunk.length - 44); // a whole WAV: the header counts every byte after it
    const a = await stat(fileOf(BlobKeys.audio(ref.jobId)));
    const c = await stat(fileOf(BlobKeys.chunkAudio(ref.jobId, 0)));
    expect(c.ino).toBe(a.ino);
    expect(a.nlink).toBe(2);
    expect(a.mode & 0o777).toBe(0o600);
    expect((await h.takeTranscribeCommands()).filter((x) => x.jobId === ref.jobId)).toHaveLength(1);

    // A redelivery writes both again; the janitor's delete of one leaves the other whole.
    await h.ingest(ref);
    expect(Buffer.from((await h.blobs.getBytes(BlobKeys.chunkAudio(ref.jobId, 0)))!).equals(Buffer.from(audio))).toBe(true);
    expect(await h.blobs.delete(BlobKeys.audio(ref.jobId))).toBe(true);
    expect(Buffer.from((await h.blobs.getBytes(BlobKeys.chunkAudio(ref.jobId, 0)))!).equals(Buffer.from(audio))).toBe(true);
    expect(await h.scratchLeft()).toEqual([]);
  });

  it("a job of several chunks still has each cut and stored on its own, end to end", async () => {
    const made = await makeLibrivoxMp4(join(h.mediaDir, "librivox.mp4"));
    const ref = await h.newJob(made.path);
    await h.ingest(ref, { chunkMaxSec: 10, chunkSearchSec: 5, chunkMinTailSec: 10 });
    const commands = (await h.takeTranscribeCommands()).filter((c) => c.jobId === ref.jobId).sort((a, b) => a.chunk.index - b.chunk.index);
    expect(commands.length).toBeGreaterThanOrEqual(3);
    const audio = Buffer.from((await h.blobs.getBytes(BlobKeys.audio(ref.jobId)))!);
    const slices: Buffer[] = [];
    for (const c of commands) {
      const wav = Buffer.from((await h.blobs.getBytes(BlobKeys.chunkAudio(ref.jobId, c.chunk.index)))!);
      expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
      expect((await stat(fileOf(BlobKeys.chunkAudio(ref.jobId, c.chunk.index)))).nlink).toBe(1);
      slices.push(wav.subarray(44));
    }
    expect(Buffer.concat(slices).equals(audio.subarray(44))).toBe(true);
    expect(await h.scratchLeft()).toEqual([]);
  });
});
