import { join } from "node:path";
import { BlobKeys } from "@mp4t/contracts";
import { createPipelineDeps } from "@mp4t/pipeline";
import type { BlobStore } from "@mp4t/stores";
import { librivoxClips, makeLibrivoxMp4, makeSilenceMp4, makeSilenceWav, silentLogger } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ctxFor, SETTINGS, startHarness, type Harness } from "./ingest-harness.ts";
import { ingestHandler } from "../src/handlers/ingest.handler.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const wavData = (bytes: Uint8Array) => {
  const b = Buffer.from(bytes);
  expect(b.toString("ascii", 0, 4)).toBe("RIFF");
  expect(b.readUInt32LE(24)).toBe(16_000);
  expect(b.readUInt16LE(22)).toBe(1);
  expect(b.readUInt32LE(40)).toBe(b.length - 44);
  return b.subarray(44);
};

describe("ingest", () => {
  it("probes a LibriVox MP4, stores 16 kHz audio, cuts chunks in the pauses and fans out", async () => {
    const made = await makeLibrivoxMp4(join(h.mediaDir, "librivox.mp4"));
    const ref = await h.newJob(made.path);
    await h.ingest(ref, { chunkMaxSec: 10, chunkSearchSec: 5, chunkMinTailSec: 10 });

    const job = (await h.jobs.getJob(ref))!;
    expect(job.status).toBe("processing");
    expect(job.stages.ingest?.status).toBe("done");
    expect(job.progress).toBeCloseTo(0.1);
    expect(job.media).toMatchObject({ audioCodec: "aac", hasVideo: true, channels: 1 });
    expect(job.media!.container).toContain("mp4");
    expect(job.media!.durationSec).toBeCloseTo(made.durationSec, 1);

    const audio = wavData((await h.blobs.getBytes(BlobKeys.audio(ref.jobId)))!);
    const audioSec = audio.length / 32_000;
    expect(audioSec).toBeGreaterThan(made.durationSec - 0.2);
    expect(audioSec).toBeLessThan(made.durationSec + 0.2);

    const commands = (await h.takeTranscribeCommands()).filter((c) => c.jobId === ref.jobId).sort((a, b) => a.chunk.index - b.chunk.index);
    const count = commands.length;
    expect(count).toBeGreaterThanOrEqual(3);
    // The plan is persisted (the reaper resumes missing chunks from it), one span per command.
    expect(job.chunks).toEqual({ count, done: [], plan: commands.map((c) => [c.chunk.startSec, c.chunk.endSec]) });
    const slices: Buffer[] = [];
    commands.forEach((c, i) => {
      expect(c).toMatchObject({ v: 1, userId: ref.userId, chunk: { index: i, count } });
      expect(c.chunk.endSec - c.chunk.startSec).toBeLessThanOrEqual(10);
      expect(c.chunk.startSec).toBe(i === 0 ? 0 : commands[i - 1]!.chunk.endSec);
    });
    for (const c of commands) slices.push(wavData((await h.blobs.getBytes(BlobKeys.chunkAudio(ref.jobId, c.chunk.index)))!));
    // The chunks are exact slices of the audio, end to end.
    expect(Buffer.concat(slices).equals(audio)).toBe(true);
    expect(commands.at(-1)!.chunk.endSec).toBeCloseTo(audioSec, 2);

    // The first cut lands in the silence between the first two clips, not at the 10 s limit.
    const [first] = await librivoxClips();
    expect(commands[0]!.chunk.endSec).toBeGreaterThan(first!.durationSec);
    expect(commands[0]!.chunk.endSec).toBeLessThan(first!.durationSec + 1);
    expect(await h.scratchLeft()).toEqual([]);
  });

  it("turns a silent MP4 into one chunk, and a redelivery publishes nothing new", async () => {
    const ref = await h.newJob(await makeSilenceMp4(join(h.mediaDir, "silence.mp4"), 4));
    await h.ingest(ref);
    const before = (await h.jobs.getJob(ref))!;
    const chunkSize = (await h.blobs.stat(BlobKeys.chunkAudio(ref.jobId, 0)))!.size;
    await h.ingest(ref); // redelivered after it already succeeded

    const commands = (await h.takeTranscribeCommands()).filter((c) => c.jobId === ref.jobId);
    expect(commands).toHaveLength(1);
    expect(commands[0]!.chunk).toMatchObject({ index: 0, count: 1, startSec: 0 });
    expect(commands[0]!.chunk.endSec).toBeCloseTo(4, 1);
    const after = (await h.jobs.getJob(ref))!;
    expect(after.chunks).toEqual({ count: 1, done: [], plan: [[0, commands[0]!.chunk.endSec]] });
    expect(after.stages.ingest).toEqual(before.stages.ingest);
    expect((await h.blobs.stat(BlobKeys.chunkAudio(ref.jobId, 0)))!.size).toBe(chunkSize);
    expect(await h.blobs.list(`${BlobKeys.prefix(ref.jobId)}chunks/`)).toHaveLength(1);
  });

  it("accepts a silent WAV with a misleading name and reports it as audio only", async () => {
    const ref = await h.newJob(await makeSilenceWav(join(h.mediaDir, "silence.mp4"), 3));
    await h.ingest(ref);
    const job = (await h.jobs.getJob(ref))!;
    expect(job.media).toMatchObject({ container: "wav", audioCodec: "pcm_s16le", sampleRate: 44_100, channels: 2, hasVideo: false });
    expect(job.media!.durationSec).toBeCloseTo(3, 2);
    expect((await h.takeTranscribeCommands()).filter((c) => c.jobId === ref.jobId)).toHaveLength(1);
  });

  it("does nothing for a job canceled before ingest ran", async () => {
    const ref = await h.newJob(await makeSilenceWav(join(h.mediaDir, "canceled.wav"), 1));
    await h.lifecycle.cancel(ref);
    await h.ingest(ref);
    expect(await h.blobs.stat(BlobKeys.audio(ref.jobId))).toBeNull();
    expect((await h.jobs.getJob(ref))!.status).toBe("canceled");
    expect((await h.takeTranscribeCommands()).filter((c) => c.jobId === ref.jobId)).toEqual([]);
  });

  it("removes what it stored when the job is deleted while a write runs: nothing outlives the janitor's purge", async () => {
    const ref = await h.newJob(await makeSilenceMp4(join(h.mediaDir, "outlived.mp4"), 3));
    const deps = createPipelineDeps({ service: "ingest-test", nc: h.nc, stores: { jobs: h.jobs, blobs: h.blobs }, logger: silentLogger() });
    const temporary = async () => (await h.blobs.list(BlobKeys.prefix(ref.jobId))).map((b) => b.key).filter((k) => k !== BlobKeys.upload(ref.jobId));
    // The audio's write starts; meanwhile the job is deleted and the janitor purges its blobs; then the write lands.
    const blobs: BlobStore = {
      ...h.blobs,
      put: async (key, body, meta) => {
        if (key === BlobKeys.audio(ref.jobId)) {
          await deps.lifecycle.cancel(ref); // what DELETE /v1/jobs/:id does first
          await h.nc.flush(); // the event has reached this connection's subscribers, the job's watch among them
          await h.blobs.deleteMany(await temporary()); // the purge, done before the write ends
        }
        return h.blobs.put(key, body, meta);
      },
    };
    const handler = ingestHandler({ events: deps.events, blobs, publisher: deps.publisher, lifecycle: deps.lifecycle, settings: SETTINGS });
    await expect(handler({ v: 1, ...ref }, ctxFor())).resolves.toBeUndefined();
    expect(await temporary()).toEqual([]); // the audio and the chunk written around the purge: removed by ingest itself
    expect((await h.jobs.getJob(ref))!.status).toBe("canceled");
    expect((await h.takeTranscribeCommands()).filter((c) => c.jobId === ref.jobId)).toEqual([]);
    expect(await h.scratchLeft()).toEqual([]);
  });

  it("stops ffmpeg work when the signal aborts and removes its scratch directory", async () => {
    const ref = await h.newJob(await makeSilenceWav(join(h.mediaDir, "aborted.wav"), 2));
    const ac = new AbortController();
    ac.abort(new Error("shutting down"));
    await expect(h.ingest(ref, {}, ac.signal)).rejects.toThrow();
    expect(await h.blobs.stat(BlobKeys.audio(ref.jobId))).toBeNull();
    expect(await h.scratchLeft()).toEqual([]);
  });
});
