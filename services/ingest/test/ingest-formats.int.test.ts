import { spawn } from "node:child_process";
import { join } from "node:path";
import { LIBRIVOX_DIR, makeLibrivoxMp4 } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./ingest-harness.ts";

/** The allow-list keeps every container a user is likely to upload (media-allowlist.ts). */
const CLIP = join(LIBRIVOX_DIR, "sense_and_sensibility_01_austen_64kb-0880.wav");

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

function ffmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", CLIP, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg ${args.join(" ")}: ${err}`))));
  });
}

describe("legitimate media still ingests", () => {
  it.each([
    // [file, ffmpeg output args, container ffmpeg reports, audio codec]
    ["speech.mp3", ["-c:a", "libmp3lame"], "mp3", "mp3"],
    ["speech.wav", ["-c:a", "pcm_s16le"], "wav", "pcm_s16le"],
    ["speech.flac", ["-c:a", "flac"], "flac", "flac"],
    ["speech.ogg", ["-c:a", "libvorbis"], "ogg", "vorbis"],
    ["speech.opus", ["-c:a", "libopus", "-f", "ogg"], "ogg", "opus"],
    ["speech.webm", ["-c:a", "libopus", "-f", "webm"], "matroska,webm", "opus"],
    ["speech.mkv", ["-c:a", "flac", "-f", "matroska"], "matroska,webm", "flac"],
    ["speech.m4a", ["-c:a", "aac", "-f", "ipod"], "mov,mp4,m4a,3gp,3g2,mj2", "aac"],
    ["speech.aac", ["-c:a", "aac", "-f", "adts"], "aac", "aac"],
    ["speech.ts", ["-c:a", "mp2", "-f", "mpegts"], "mpegts", "mp2"],
    ["speech.wma", ["-c:a", "wmav2", "-f", "asf"], "asf", "wmav2"],
    ["speech.aiff", ["-c:a", "pcm_s16be", "-f", "aiff"], "aiff", "pcm_s16be"],
    ["speech.avi", ["-c:a", "pcm_s16le", "-f", "avi"], "avi", "pcm_s16le"],
  ] as const)("%s", async (name, args, container, codec) => {
    const path = join(h.mediaDir, name);
    await ffmpeg([...args, path]);
    const ref = await h.newJob(path, { fileName: "upload.mp4" });
    await h.ingest(ref);
    const job = (await h.jobs.getJob(ref))!;
    expect(job.status, JSON.stringify(job.error)).toBe("processing");
    expect(job.stages.ingest?.status).toBe("done");
    expect(job.media).toMatchObject({ container, audioCodec: codec });
    expect(job.media!.durationSec).toBeGreaterThan(2.5);
    expect((await h.takeTranscribeCommands()).filter((c) => c.jobId === ref.jobId).length).toBeGreaterThanOrEqual(1);
  });

  it("an MP4 with video", async () => {
    const made = await makeLibrivoxMp4(join(h.mediaDir, "video.mp4"));
    const ref = await h.newJob(made.path);
    await h.ingest(ref);
    const job = (await h.jobs.getJob(ref))!;
    expect(job.stages.ingest?.status).toBe("done");
    expect(job.media).toMatchObject({ container: "mov,mp4,m4a,3gp,3g2,mj2", audioCodec: "aac", hasVideo: true });
    expect((await h.takeTranscribeCommands()).filter((c) => c.jobId === ref.jobId).length).toBeGreaterThanOrEqual(1);
  });

  it("an image is a container we do not accept: MEDIA_UNSUPPORTED_CONTAINER, in our words", async () => {
    const path = join(h.mediaDir, "photo.mp4");
    await new Promise<void>((resolve, reject) => {
      const child = spawn("ffmpeg", [
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-f",
        "lavfi",
        "-i",
        "testsrc=s=64x64:d=1",
        "-frames:v",
        "1",
        "-f",
        "image2",
        "-c:v",
        "png",
        path,
      ]);
      child.once("error", reject);
      child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}`))));
    });
    const ref = await h.newJob(path);
    await h.ingest(ref);
    const job = (await h.jobs.getJob(ref))!;
    expect(job.error).toMatchObject({ code: "MEDIA_UNSUPPORTED_CONTAINER", message: expect.stringMatching(/png_pipe.*not one we accept/) });
    expect(job.error!.message).not.toMatch(/@ 0x|whitelist/);
  });
});
