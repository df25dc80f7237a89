import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_MEDIA_IDENTITY } from "@mp4t/runtime";
import { makeLibrivoxMp4, makeMatroskaWithDocType, makeOggLoggingText, mountSmallDisk } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkMediaTools, decodeMedia, type FfmpegSettings } from "../src/adapters/ffmpeg.adapter.ts";
import { decodeShape } from "../src/handlers/ingest.handler.ts";
import { decodeOnce } from "./ingest-harness.ts";
import { parseListing } from "../src/media-info.parser.ts";
import { PCM_16K_MONO } from "../src/wav-header.writer.ts";

const SETTINGS: FfmpegSettings = { ffmpegBin: "ffmpeg", probeTimeoutMs: 30_000, runAs: DEFAULT_MEDIA_IDENTITY };
const inspect = (listing: string) => parseListing(listing, { maxDurationSec: 3600 });
const live = () => new AbortController().signal;

let dir: string;
let mp4: { path: string; durationSec: number };
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mp4t-ffmpeg-test-"));
  mp4 = await makeLibrivoxMp4(join(dir, "librivox.mp4"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The LibriVox MP4's audio decoded into `output` (made with a 44-byte header room first); `over` changes the settings or the listing's check. */
const decodeInto = async (
  output: string,
  signal: AbortSignal,
  onPcm: (b: Buffer) => void = () => undefined,
  over: { settings?: FfmpegSettings; inspect?: typeof inspect } = {},
) => {
  await writeFile(output, Buffer.alloc(44));
  return decodeMedia({ input: mp4.path, output, offset: 44, format: PCM_16K_MONO, maxSec: 3600, settings: SETTINGS, signal, inspect, onPcm, ...over });
};

/** The MP4 decoded into `output` (given its header room) with at most 2 s of PCM, by the tools `settings` name. */
const decodeTwoSeconds = (output: string, settings: FfmpegSettings) =>
  decodeMedia({ input: mp4.path, output, offset: 44, format: PCM_16K_MONO, maxSec: 2, settings, signal: live(), inspect, onPcm: () => undefined });

/** `run` with a prlimit first on PATH that fails as the real one does when the inherited hard limit is lower than asked. */
async function withRefusingPrlimit(run: () => Promise<void>) {
  const bin = await mkdtemp(join(dir, "fake-prlimit-"));
  await writeFile(join(bin, "prlimit"), "#!/bin/sh\necho 'prlimit: failed to set the FSIZE resource limit: Operation not permitted' >&2\nexit 1\n", {
    mode: 0o755,
  });
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path}`;
  try {
    await run();
  } finally {
    process.env.PATH = path;
  }
}

const extract = async (signal: AbortSignal, onPcm?: (b: Buffer) => void) => {
  const output = join(dir, `out-${Math.random().toString(36).slice(2)}.pcm`);
  return { ...(await decodeInto(output, signal, onPcm)), output };
};

describe("ffmpeg adapter", () => {
  it("lists real media in a form the parser accepts, in the same run that decodes it", async () => {
    const { inspected } = await extract(live());
    expect(inspected.info).toMatchObject({ audioCodec: "aac", hasVideo: true, container: "mov,mp4,m4a,3gp,3g2,mj2", sampleRate: 16000 });
    expect(inspected.info.durationSec).toBeCloseTo(mp4.durationSec, 0);
  });

  it("stops ffmpeg when the listing is refused: it writes no more PCM", async () => {
    const output = join(dir, "refused.pcm");
    const run = decodeInto(output, live(), undefined, { inspect: (listing) => parseListing(listing, { maxDurationSec: 5 }) });
    await expect(run).rejects.toMatchObject({ name: "PermanentError", code: "MEDIA_TOO_LONG" });
    const size = (await stat(output)).size;
    await new Promise((r) => setTimeout(r, 300));
    expect((await stat(output)).size).toBe(size); // ffmpeg is gone
  });

  /** `input` through one run, outside the handler. */
  const decodeFile = (input: string, settings: FfmpegSettings = SETTINGS) =>
    decodeOnce(input, join(dir, `forged-${Math.random().toString(36).slice(2)}.pcm`), settings);

  /**
   * A video-only MKV with a tag (`-metadata` or `-metadata:s:v:0`) whose name is `forged`, line
   * breaks and all: ffmpeg prints a name unindented, as lines of its own. Written with a
   * placeholder name of the same length, then patched in place.
   */
  async function forgedMkv(name: string, tag: string, forged: string) {
    const made = join(dir, name);
    const placeholder = "Z".repeat(forged.length);
    const args = ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=red:s=64x64:d=2", "-c:v", "mjpeg", tag, `${placeholder}=v`, made];
    execFileSync("ffmpeg", args);
    const bytes = await readFile(made);
    const at = bytes.indexOf(placeholder);
    expect(at).toBeGreaterThan(0); // the tag name is stored as written
    bytes.write(forged, at, "latin1");
    await writeFile(made, bytes);
    return made;
  }

  it("refuses a real file whose tag name forges a second listing, as unreadable, never as a full disk", async () => {
    // Its listing seems to end with an audio stream of the file's own making and a line made to
    // look like a full disk; the real Duration line follows (ffmpeg then fails: no audio).
    const forged =
      "K\n  Duration: 00:00:01.00, start: 0.000000, bitrate: 1 kb/s\n  Stream #0:0: Audio: pcm_s16le, 16000 Hz, mono, s16\nNo space left on device";
    const { err } = await decodeFile(await forgedMkv("forged-key.mkv", "-metadata", forged));
    expect(err).toMatchObject({ name: "PermanentError", code: "MEDIA_UNREADABLE", message: expect.stringMatching(/imitates/) });
  });

  it("takes a full disk only from ffmpeg's lines after the run's mark, even on a disk that is full", async (ctx) => {
    // One extra stream and ffmpeg's exact line for a refused write, no second Duration: the
    // listing passes; ffmpeg fails (the file has no audio) with the forged lines in its log, the
    // second file with a forged "Stream mapping:" before them (the real one never comes: ffmpeg
    // stops at the map). The audio goes to a disk of 256 KiB, so the disk's room cannot tell:
    // only the mark, which ffmpeg never printed, does.
    const disk = await mountSmallDisk(256 * 1024);
    // Mounting needs root (the suite's machines have it); elsewhere the reason is printed as the skip's note.
    if ("unavailable" in disk) return ctx.skip(disk.unavailable);
    await using _ = disk;
    const forged = "K\n  Stream #0:1: Audio: pcm_s16le, 16000 Hz, mono, s16\nav_interleaved_write_frame(): No space left on device\nX";
    const mapped = "K\n  Stream #0:1: Audio: pcm_s16le, 16000 Hz, mono, s16\nStream mapping:\nav_interleaved_write_frame(): No space left on device\nX";
    for (const [name, text] of [
      ["forged-disk.mkv", forged],
      ["forged-mapping.mkv", mapped],
    ] as const) {
      const { err } = await decodeOnce(await forgedMkv(name, "-metadata:s:v:0", text), join(disk.dir, `${name}.pcm`));
      expect(err, name).toMatchObject({ name: "PermanentError", code: "MEDIA_UNREADABLE" });
    }
  });

  it("takes a full disk only when the disk agrees: an Ogg stream's tags can print ffmpeg's line after the run's mark", async () => {
    const line = "av_interleaved_write_frame(): No space left on device";
    const ogg = await makeOggLoggingText(join(dir, "forged-late.ogg"), `x\n${line}\n`);
    // The attack is live: ffmpeg, logging and marking its output as ingest does, prints the line as its own after the mark, and fails.
    const run = spawnSync(
      "ffmpeg",
      [
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-v",
        "info",
        "-i",
        ogg,
        "-map",
        "0:a:0",
        "-map_metadata",
        "-1",
        "-metadata",
        "mp4t_run=c0ffee",
        "-f",
        "s16le",
        "-y",
        "/dev/null",
      ],
      { encoding: "utf8" },
    );
    expect(run.status).not.toBe(0);
    expect(run.stderr.slice(run.stderr.indexOf("c0ffee")).split("\n")).toContain(line);
    const { err } = await decodeFile(ogg);
    expect(err).toMatchObject({ name: "PermanentError", code: "MEDIA_UNREADABLE" });
  });

  /** A Matroska file of 2 s of FLAC with the DocType `docType` (quoted by ffmpeg before its listing). */
  async function withDocType(name: string, docType: string) {
    const base = join(dir, "doctype-base.mkv");
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=f=440:d=2:r=16000", "-c:a", "flac", base]);
    return makeMatroskaWithDocType(base, join(dir, name), docType);
  }

  it("refuses a real file whose DocType prints a listing before the real one", async () => {
    const forged =
      "matroska'\nInput #0, matroska,webm, from 'file:/proc/self/fd/3':\n  Duration: 00:00:01.00, start: 0.000000, bitrate: 1 kb/s\n  Stream #0:0: Audio: opus, 48000 Hz, stereo, fltp\nX";
    const { err } = await decodeFile(await withDocType("doctype-listing.mkv", forged));
    expect(err).toMatchObject({ name: "PermanentError", code: "MEDIA_UNREADABLE", message: expect.stringMatching(/imitates/) });
  });

  it("refuses, as ffmpeg maps the streams, a real file that hid its listing (a DocType over 64 KB glues ffmpeg's Input line onto it)", async () => {
    // Without the check the run would end with no listing found ("not audio or video we can
    // read"), or, decoding longer than the timeout, as STAGE_TIMEOUT.
    const { err } = await decodeFile(await withDocType("doctype-glued.mkv", `matroska\n${"P".repeat(70_000)}`));
    expect(err).toMatchObject({ name: "PermanentError", code: "MEDIA_UNREADABLE", message: expect.stringMatching(/imitates/) });
  });

  it("treats an ffmpeg that does not list the streams within its timeout as STAGE_TIMEOUT (not the user's mistake)", async () => {
    const run = decodeInto(join(dir, "slow.pcm"), live(), undefined, { settings: { ...SETTINGS, probeTimeoutMs: 1 } });
    await expect(run).rejects.toMatchObject({
      name: "PermanentError",
      code: "STAGE_TIMEOUT",
      message: expect.stringMatching(/could not be examined within/),
    });
  });

  it("decodes to 16 kHz mono s16le after the header gap and streams every byte through onPcm", async () => {
    let seen = 0;
    const { bytes, output } = await extract(live(), (b) => (seen += b.length));
    expect(seen).toBe(bytes);
    expect((await stat(output)).size).toBe(44 + bytes);
    expect(bytes / 32_000).toBeCloseTo(mp4.durationSec, 0);
  });

  it("kills ffmpeg when the signal aborts mid-decode", async () => {
    const ac = new AbortController();
    const output = join(dir, "aborted.pcm");
    let blocks = 0;
    const running = decodeInto(output, ac.signal, () => blocks++);
    // Abort once ffmpeg has written PCM into the file: it is certainly running by then.
    const watching = (async () => {
      while (((await stat(output).catch(() => null))?.size ?? 0) <= 44) await new Promise((r) => setTimeout(r, 2));
      ac.abort();
    })();
    await expect(running).rejects.toMatchObject({ name: "AbortError" });
    await watching;
    expect(blocks).toBe(0); // nothing handed on from a run that was stopped
    const size = (await stat(output)).size;
    await new Promise((r) => setTimeout(r, 300));
    expect((await stat(output)).size).toBe(size); // and nothing writes on: ffmpeg is gone
  });

  it("fails with STORAGE_FULL (retried, not the file's fault) when the disk under the audio fills", async (ctx) => {
    const disk = await mountSmallDisk(256 * 1024);
    // Mounting needs root (the suite's machines have it); elsewhere the reason is printed as the skip's note.
    if ("unavailable" in disk) return ctx.skip(disk.unavailable);
    await using _ = disk;
    const run = decodeInto(join(disk.dir, "audio.pcm"), live());
    await expect(run).rejects.toMatchObject({ name: "RetryableError", code: "STORAGE_FULL", cause: { code: "ENOSPC" } });
  });

  it("hands onPcm every byte ffmpeg wrote, in order, in reused blocks", async () => {
    const blocks: Buffer[] = [];
    const { output, bytes } = await extract(live(), (b) => blocks.push(Buffer.from(b)));
    expect(blocks.length).toBeGreaterThan(1); // a few seconds of PCM is more than one block
    expect(Buffer.concat(blocks).equals((await readFile(output)).subarray(44))).toBe(true);
    expect(Buffer.concat(blocks).length).toBe(bytes);
  });

  it("stops a decoder that writes past what the duration limit allows (the kernel's file-size limit), as the file's fault", async () => {
    // A decoder a hostile file took over, standing in for ffmpeg: it ignores -t and writes on (100 MB if nothing stops it).
    const runaway = join(dir, "runaway-ffmpeg.sh");
    await writeFile(runaway, "#!/bin/sh\nexec head -c 100000000 /dev/zero\n", { mode: 0o755 });
    const output = join(dir, "runaway.pcm");
    await writeFile(output, Buffer.alloc(44));
    const settings = { ...SETTINGS, ffmpegBin: runaway, runAs: { uid: 0, gid: 0 } }; // root stays root: the script is in our 0700 directory
    const run = decodeTwoSeconds(output, settings);
    await expect(run).rejects.toMatchObject({
      name: "PermanentError",
      code: "MEDIA_UNREADABLE",
      message: expect.stringMatching(/more audio than the duration limit/),
    });
    // 44 bytes of header and 2 s + 1 s of 16 kHz 16-bit mono: not a byte more reached the disk.
    expect((await stat(output)).size).toBe(44 + 3 * 32_000);
  });

  it("a file-size limit prlimit cannot set (a lower hard limit inherited) is our fault, retried, not the upload's", async () => {
    await withRefusingPrlimit(() =>
      expect(decodeTwoSeconds(join(dir, "limited.pcm"), { ...SETTINGS, runAs: { uid: 0, gid: 0 } })).rejects.toMatchObject({
        name: "RetryableError",
        code: "INTERNAL",
        message: expect.stringMatching(/cannot run ffmpeg: prlimit: failed to set/),
      }),
    );
  });

  it("checks at start that each tool runs as the media user under the limit a decode needs, or says why not", async () => {
    await expect(checkMediaTools(SETTINGS, decodeShape({ maxDurationSec: 4 * 3600 }))).resolves.toBeUndefined();
    await expect(checkMediaTools({ ...SETTINGS, ffmpegBin: join(dir, "no-such-ffmpeg") }, decodeShape({ maxDurationSec: 4 * 3600 }))).rejects.toThrow(
      new RegExp(`cannot run .*no-such-ffmpeg under a file-size limit of ${(4 * 3600 + 2) * 32_000 + 44} bytes as uid 65534: prlimit: failed to execute`),
    );
    await withRefusingPrlimit(() =>
      expect(checkMediaTools({ ...SETTINGS, runAs: { uid: 0, gid: 0 } }, decodeShape({ maxDurationSec: 3600 }))).rejects.toThrow(
        /cannot run ffmpeg .*: prlimit: failed to set the FSIZE/,
      ),
    );
  });

  it("a media tool that cannot be run is our fault (retried), not the upload's", async () => {
    const missing = { ...SETTINGS, ffmpegBin: join(dir, "no-such-ffmpeg") };
    const output = join(dir, "never.pcm");
    await writeFile(output, Buffer.alloc(44));
    const run = decodeTwoSeconds(output, missing);
    await expect(run).rejects.toMatchObject({ name: "RetryableError", code: "INTERNAL", message: expect.stringMatching(/cannot run .*no-such-ffmpeg/) });
  });
});
