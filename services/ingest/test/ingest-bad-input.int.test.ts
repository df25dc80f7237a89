import { join } from "node:path";
import { BlobKeys } from "@mp4t/contracts";
import { makeRandomBytes, makeSilenceWav, makeTruncatedMp4, makeVideoWithoutAudio } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SETTINGS, startHarness, type Harness } from "./ingest-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/**
 * Runs ingest on a file that must be rejected. The handler itself fails the job with the code
 * (it returns, so the runner acks: no dead letter) and queues the `rejected` cleanup that deletes
 * the upload; nothing is stored or published for transcription.
 */
async function rejected(file: string, settings = {}) {
  const ref = await h.newJob(file);
  await h.ingest(ref, settings);
  const job = (await h.jobs.getJob(ref))!;
  expect(job.status).toBe("failed");
  expect(job.stages.ingest?.status).toBe("failed");
  expect(job.error?.message, "our words, not the tool's").not.toMatch(/ffprobe|ffmpeg|@ 0x|\/tmp\/|\/proc\//);
  expect(await h.blobs.stat(BlobKeys.audio(ref.jobId))).toBeNull();
  expect(await h.blobs.list(`${BlobKeys.prefix(ref.jobId)}chunks/`)).toEqual([]);
  expect((await h.takeTranscribeCommands()).filter((c) => c.jobId === ref.jobId)).toEqual([]);
  expect((await h.takeCleanupCommands()).filter((c) => c.jobId === ref.jobId)).toEqual([{ v: 1, ...ref, reason: "rejected" }]);
  expect(await h.scratchLeft()).toEqual([]);
  return job.error!;
}

describe("ingest fails the job of a bad upload with its code, as the user's mistake", () => {
  it("random bytes named .mp4: MEDIA_UNREADABLE", async () => {
    const err = await rejected(await makeRandomBytes(join(h.mediaDir, "noise.mp4")));
    expect(err.code).toBe("MEDIA_UNREADABLE");
  });

  it("a text file named .wav: MEDIA_UNREADABLE", async () => {
    const { writeFile } = await import("node:fs/promises");
    const path = join(h.mediaDir, "notes.wav");
    await writeFile(path, "these are lecture notes, not a recording\n".repeat(100));
    expect((await rejected(path)).code).toBe("MEDIA_UNREADABLE");
  });

  it("a file of zeros (issue 17 kept 1.5 GB of them until retention): MEDIA_UNREADABLE, upload queued for deletion", async () => {
    const { writeFile } = await import("node:fs/promises");
    const path = join(h.mediaDir, "zeros.mp4");
    await writeFile(path, Buffer.alloc(4 * 1024 * 1024));
    expect((await rejected(path)).code).toBe("MEDIA_UNREADABLE");
  });

  it("a video without audio: MEDIA_NO_AUDIO", async () => {
    const err = await rejected(await makeVideoWithoutAudio(join(h.mediaDir, "mute.mp4")));
    expect(err.code).toBe("MEDIA_NO_AUDIO");
  });

  it("a truncated MP4: MEDIA_UNREADABLE", async () => {
    const err = await rejected(await makeTruncatedMp4(join(h.mediaDir, "cut.mp4")));
    expect(err.code).toBe("MEDIA_UNREADABLE");
    expect(err.message).toMatch(/not audio or video we can read/);
  });

  it("media over the duration limit: MEDIA_TOO_LONG", async () => {
    const err = await rejected(await makeSilenceWav(join(h.mediaDir, "long.wav"), 5), { maxDurationSec: 3 });
    expect(err.code).toBe("MEDIA_TOO_LONG");
  });

  it("an upload missing from the blob store is our fault: thrown for the runner (dead letter), INTERNAL", async () => {
    const ref = await h.newJob(await makeSilenceWav(join(h.mediaDir, "gone.wav"), 1));
    await h.blobs.delete(BlobKeys.upload(ref.jobId));
    await expect(h.ingest(ref)).rejects.toMatchObject({ name: "PermanentError", code: "INTERNAL" });
  });

  it("a probe that outlives its timeout may be the machine's fault: thrown for the runner, the upload kept", async () => {
    const ref = await h.newJob(await makeSilenceWav(join(h.mediaDir, "slow.wav"), 1));
    await expect(h.ingest(ref, { ffmpeg: { ...SETTINGS.ffmpeg, probeTimeoutMs: 1 } })).rejects.toMatchObject({ name: "PermanentError", code: "STAGE_TIMEOUT" });
    expect(await h.blobs.stat(BlobKeys.upload(ref.jobId))).not.toBeNull();
    expect((await h.takeCleanupCommands()).filter((c) => c.jobId === ref.jobId)).toEqual([]);
  });
});
