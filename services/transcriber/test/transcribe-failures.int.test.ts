import { join } from "node:path";
import { BlobKeys } from "@mp4t/contracts";
import { librivoxClips, makeSilenceWav, type LibrivoxClip } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness, type Ref } from "./transcriber-harness.ts";

let h: Harness;
let clip: LibrivoxClip;
beforeAll(async () => {
  h = await startHarness();
  clip = (await librivoxClips())[1]!;
});
afterAll(async () => {
  await h?.close();
});

/** Nothing recorded for the chunk: no result, not marked done, no diarize, scratch removed. */
async function expectNothingRecorded(ref: Ref) {
  expect(await h.blobs.stat(BlobKeys.chunkResult(ref.jobId, 0))).toBeNull();
  expect((await h.jobs.getJob(ref))!.chunks!.done).toEqual([]);
  expect((await h.takeDiarizeCommands()).filter((c) => c.jobId === ref.jobId)).toEqual([]);
  expect(await h.scratchLeft()).toEqual([]);
}

describe("transcribe failures", () => {
  it("fails a German job with OPTION_UNSUPPORTED (a user mistake: no throw, so no dead letter), without running the engine", async () => {
    const { ref, commands } = await h.newChunkedJob([clip], { options: { language: "de", diarize: true, enhance: [], class: "interactive" } });
    const runs = h.engineRuns();
    await h.transcribe(commands[0]!);
    expect((await h.jobs.getJob(ref))!).toMatchObject({
      status: "failed",
      stages: { transcribe: { status: "failed" } },
      error: { code: "OPTION_UNSUPPORTED", message: expect.stringMatching(/language "de" .*pocketsphinx.*en-us/) },
    });
    expect(h.engineRuns()).toBe(runs);
    await expectNothingRecorded(ref);
  });

  it("accepts a regional English variant", async () => {
    const { ref, commands } = await h.newChunkedJob([clip], { options: { language: "en-GB", diarize: true, enhance: [], class: "batch" } });
    await h.transcribe(commands[0]!);
    expect((await h.jobs.getJob(ref))!.chunks!.done).toEqual([0]);
    expect((await h.takeDiarizeCommands()).filter((c) => c.jobId === ref.jobId)).toHaveLength(1);
  });

  it("fails a job naming an engine this replica has not configured with OPTION_UNSUPPORTED", async () => {
    const { ref, commands } = await h.newChunkedJob([clip], {
      options: { language: "en", diarize: true, enhance: [], class: "interactive", engine: "openai" },
    });
    await h.transcribe(commands[0]!);
    expect((await h.jobs.getJob(ref))!.error).toEqual({
      code: "OPTION_UNSUPPORTED",
      message: 'engine "openai" is not configured here; available: pocketsphinx',
    });
    await expectNothingRecorded(ref);
  });

  it("reports audio the engine cannot take as a retryable ENGINE_FAILED", async () => {
    const path = await makeSilenceWav(join(h.mediaDir, "s32.wav"), 1, { sampleRate: 16_000, channels: 1, codec: "pcm_s32le" });
    const { ref, commands } = await h.newChunkedJob([{ path, durationSec: 1 }]);
    await expect(h.transcribe(commands[0]!)).rejects.toMatchObject({ name: "RetryableError", code: "ENGINE_FAILED" });
    await expectNothingRecorded(ref);
  });

  it("stops when the signal aborts", async () => {
    const { ref, commands } = await h.newChunkedJob([clip]);
    const ac = new AbortController();
    const running = h.transcribe(commands[0]!, ac.signal);
    ac.abort(new Error("stage deadline"));
    await expect(running).rejects.toThrow();
    await expectNothingRecorded(ref);
  });

  it("does nothing for a canceled job", async () => {
    const { ref, commands } = await h.newChunkedJob([clip]);
    await h.lifecycle.cancel(ref);
    const runs = h.engineRuns();
    await h.transcribe(commands[0]!);
    expect(h.engineRuns()).toBe(runs);
    expect(await h.blobs.stat(BlobKeys.chunkResult(ref.jobId, 0))).toBeNull();
    expect((await h.jobs.getJob(ref))!.status).toBe("canceled");
  });
});
