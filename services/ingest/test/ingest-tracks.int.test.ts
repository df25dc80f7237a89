import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { BlobKeys } from "@mp4t/contracts";
import { makeTwoVoiceMp4, normaliseWords, wordErrorRate } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./ingest-harness.ts";

const run = promisify(execFile);

let h: Harness;
let two: Awaited<ReturnType<typeof makeTwoVoiceMp4>>;
beforeAll(async () => {
  h = await startHarness();
  two = await makeTwoVoiceMp4(join(h.mediaDir, "two-voices.mp4"), { clips: 2 }); // pocketsphinx hears each track whole: 11 s, not 28
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** What pocketsphinx (Debian's en-us model) hears in the job's extracted audio. */
async function heard(jobId: string): Promise<string> {
  const wav = join(h.mediaDir, `${jobId}.wav`);
  const bytes = await h.blobs.getBytes(BlobKeys.audio(jobId));
  expect(bytes).not.toBeNull();
  await writeFile(wav, bytes!);
  const { stdout } = await run("pocketsphinx_continuous", ["-infile", wav, "-logfn", "/dev/null"], { maxBuffer: 1 << 20 });
  return stdout;
}

/** Share of the hypothesis' words that occur in the text. */
const overlap = (text: string, hyp: string) => {
  const known = new Set(normaliseWords(text));
  const words = normaliseWords(hyp);
  return words.filter((w) => known.has(w)).length / Math.max(1, words.length);
};

describe("audio tracks", () => {
  it("lists the tracks, transcribes the first when the job names none, and says so in a notice", async () => {
    const ref = await h.newJob(two.path);
    await h.ingest(ref);
    const job = (await h.jobs.getJob(ref))!;
    expect(job.stages.ingest?.status).toBe("done");
    expect(job.media).toMatchObject({
      audioTracks: [
        { index: 0, codec: "aac", language: "eng", channels: 1 },
        { index: 1, codec: "aac", language: "eng", channels: 1 },
      ],
      audioTrack: 0,
    });
    expect(job.notices).toEqual([{ code: "SEVERAL_AUDIO_TRACKS", message: expect.stringMatching(/2 audio tracks.*track 0/) }]);
    const text = await heard(ref.jobId);
    expect(wordErrorRate(two.texts[0], text), text).toBeLessThan(0.5);
    expect(overlap(two.texts[0], text)).toBeGreaterThan(overlap(two.texts[1], text));
  }, 120_000);

  it("transcribes the track the job names, with no notice", async () => {
    const ref = await h.newJob(two.path, { options: { language: "en", diarize: true, enhance: [], class: "interactive", audioTrack: 1 } });
    await h.ingest(ref);
    const job = (await h.jobs.getJob(ref))!;
    expect(job.media?.audioTrack).toBe(1);
    expect(job.notices).toBeUndefined();
    const text = await heard(ref.jobId);
    // The second voice names loudspeaker channels: most of what is heard is from her text, little from the reader's.
    expect(overlap(two.texts[1], text), text).toBeGreaterThan(0.5);
    expect(overlap(two.texts[1], text)).toBeGreaterThan(overlap(two.texts[0], text));
    expect(wordErrorRate(two.texts[0], text)).toBeGreaterThan(0.8);
  }, 120_000);

  it("fails the job with MEDIA_AUDIO_TRACK_NOT_FOUND for a track that does not exist (a user mistake: no dead letter)", async () => {
    const ref = await h.newJob(two.path, { options: { language: "en", diarize: true, enhance: [], class: "interactive", audioTrack: 2 } });
    await h.ingest(ref); // returns: the runner acks
    const job = (await h.jobs.getJob(ref))!;
    expect(job).toMatchObject({ status: "failed", stages: { ingest: { status: "failed" } } });
    expect(job.error).toEqual({
      code: "MEDIA_AUDIO_TRACK_NOT_FOUND",
      message: "the media has no audio track 2; its 2 audio tracks are 0: aac eng, 1: aac eng",
    });
    expect((await h.takeTranscribeCommands()).filter((c) => c.jobId === ref.jobId)).toEqual([]);
    expect((await h.takeCleanupCommands()).filter((c) => c.jobId === ref.jobId)).toEqual([{ v: 1, ...ref, reason: "rejected" }]);
  }, 60_000);
});
