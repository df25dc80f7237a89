import { spawnSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LIBRIVOX_DIR,
  librivoxClips,
  makeLibrivoxMp4,
  makeRandomBytes,
  makeSilenceMp4,
  makeSilenceWav,
  makeTruncatedMp4,
  makeVideoWithoutAudio,
} from "../src/index.ts";

const streams = (path: string) => {
  const r = spawnSync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_type,codec_name,width,height", "-of", "json", path], { encoding: "utf8" });
  return { ok: r.status === 0, streams: r.status === 0 ? (JSON.parse(r.stdout).streams as { codec_type: string; codec_name: string; width?: number }[]) : [] };
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mp4t-media-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("media makers", () => {
  it("lists the five LibriVox clips with references", async () => {
    const clips = await librivoxClips();
    expect(clips).toHaveLength(5);
    expect(clips[0]!.reference).toMatch(/^and mister john dashwood/);
    expect(clips.every((c) => c.durationSec > 2 && !c.reference.includes("<s>"))).toBe(true);
  });

  it("makes a LibriVox MP4 with H.264 video and AAC audio, as long as the clips plus gaps", async () => {
    const clips = await librivoxClips();
    const made = await makeLibrivoxMp4(join(dir, "librivox.mp4"));
    const expected = clips.reduce((s, c) => s + c.durationSec, 0) + 4;
    expect(made.durationSec).toBeGreaterThan(expected - 0.5);
    expect(made.durationSec).toBeLessThan(expected + 0.5);
    expect(made.reference.split(" ")).toHaveLength(clips.reduce((n, c) => n + c.reference.split(" ").length, 0));
    const s = streams(made.path).streams;
    expect(s.map((x) => `${x.codec_type}:${x.codec_name}`).sort()).toEqual(["audio:aac", "video:h264"]);
    expect(s.find((x) => x.codec_type === "video")?.width).toBe(320);
  });

  it("makes a LibriVox MP4 once: a second call copies it, and a changed clip makes it again", async () => {
    // A cache of its own (removed with `dir`), so the first call here is a miss.
    process.env.MP4T_TEST_MEDIA_CACHE = join(dir, "cache");
    const clipsDir = join(dir, "clips");
    await mkdir(clipsDir);
    for (const f of await readdir(LIBRIVOX_DIR)) await copyFile(join(LIBRIVOX_DIR, f), join(clipsDir, f));
    const first = await makeLibrivoxMp4(join(dir, "first.mp4"), { clipsDir });
    const path = process.env.PATH;
    let second: Awaited<ReturnType<typeof makeLibrivoxMp4>>;
    try {
      // No ffmpeg or ffprobe on the PATH: only a copy from the cache can make the second.
      process.env.PATH = "";
      second = await makeLibrivoxMp4(join(dir, "second.mp4"), { clipsDir });
    } finally {
      process.env.PATH = path;
    }
    expect(second).toEqual({ ...first, path: join(dir, "second.mp4") });
    expect((await readFile(second.path)).equals(await readFile(first.path))).toBe(true);
    // Two clips are another file: made, not copied.
    const two = await makeLibrivoxMp4(join(dir, "two.mp4"), { clipsDir, clips: 2 });
    expect(two.durationSec).toBeLessThan(first.durationSec / 2);

    // One clip a second shorter: a new file, shorter by that second.
    const [clip] = await librivoxClips(clipsDir);
    const cut = join(dir, "cut.wav");
    expect(spawnSync("ffmpeg", ["-v", "error", "-y", "-i", clip!.path, "-t", String(clip!.durationSec - 1), "-c", "copy", cut]).status).toBe(0);
    await rename(cut, clip!.path);
    const third = await makeLibrivoxMp4(join(dir, "third.mp4"), { clipsDir });
    expect(third.durationSec).toBeLessThan(first.durationSec - 0.5);
  });

  it("makes the bad inputs ingest must reject", async () => {
    expect(streams(await makeSilenceWav(join(dir, "silence.wav"))).streams.map((x) => x.codec_type)).toEqual(["audio"]);
    expect(
      streams(await makeSilenceMp4(join(dir, "silence.mp4")))
        .streams.map((x) => x.codec_type)
        .sort(),
    ).toEqual(["audio", "video"]);
    expect(streams(await makeVideoWithoutAudio(join(dir, "mute.mp4"))).streams.map((x) => x.codec_type)).toEqual(["video"]);
    const noise = await makeRandomBytes(join(dir, "noise.mp4"));
    expect((await stat(noise)).size).toBe(64 * 1024);
    expect(streams(noise).ok).toBe(false);
    expect(streams(await makeTruncatedMp4(join(dir, "cut.mp4"))).ok).toBe(false);
  });
});

describe("makeSilenceWav formats", () => {
  it("writes 16 kHz mono with a canonical 44-byte header when asked", async () => {
    const bytes = await readFile(await makeSilenceWav(join(dir, "mono16k.wav"), 1, { sampleRate: 16_000, channels: 1 }));
    expect(bytes.toString("ascii", 36, 40)).toBe("data");
    expect(bytes.readUInt32LE(24)).toBe(16_000);
    expect(bytes.readUInt16LE(22)).toBe(1);
    expect(bytes.length).toBe(44 + 32_000);
  });
});

describe("makers given a directory", () => {
  it("write a file of the default name inside it", async () => {
    const sub = join(dir, "by-dir");
    await mkdir(sub);
    const made = await makeLibrivoxMp4(sub);
    expect(made.path).toBe(join(sub, "librivox.mp4"));
    expect(streams(made.path).ok).toBe(true);
    expect(await makeRandomBytes(sub)).toBe(join(sub, "random.mp4"));
  });
});
