import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PermanentError } from "@mp4t/platform";
import { decodeFailure } from "../media-info.parser.ts";
import type { PcmFormat } from "../wav-header.writer.ts";

export type FfmpegSettings = { ffmpegBin: string; ffprobeBin: string; probeTimeoutMs: number };

/** The last lines of ffmpeg's stderr, without our scratch paths (they mean nothing to a user). */
const tail = (s: string) =>
  s.trim().split("\n").slice(-2).join(" | ").replace(/\/\S*?\/mp4t-[A-Za-z0-9]+\//g, "").slice(0, 500);

/**
 * Runs ffprobe on the file's content and resolves its JSON. A file ffprobe rejects, or one that
 * makes it hang past the timeout, is MEDIA_UNREADABLE; an abort of `signal` propagates as is.
 */
export async function probeMedia(path: string, settings: FfmpegSettings, signal: AbortSignal): Promise<string> {
  const timeout = AbortSignal.timeout(settings.probeTimeoutMs);
  const args = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--", path];
  const child = spawn(settings.ffprobeBin, args, { stdio: ["ignore", "pipe", "pipe"], signal: AbortSignal.any([signal, timeout]), killSignal: "SIGKILL" });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", resolve);
    });
    if (code !== 0) throw new PermanentError("MEDIA_UNREADABLE", `ffprobe cannot read the file: ${tail(stderr) || `exit ${code}`}`);
    return stdout;
  } catch (err) {
    if (timeout.aborted && !signal.aborted) {
      throw new PermanentError("MEDIA_UNREADABLE", `ffprobe did not finish within ${settings.probeTimeoutMs} ms`, { cause: err });
    }
    throw err;
  }
}

/**
 * Decodes the first audio stream to raw little-endian 16-bit PCM in `format`, written into
 * `output` from byte `offset` on (the caller leaves room for a WAV header). Each block of PCM
 * is also handed to `onPcm` as it streams past, so analysis needs no second read.
 * The child is killed when `signal` aborts. At most `maxSec` seconds are decoded.
 */
export async function extractPcm(opts: {
  input: string;
  output: string;
  offset: number;
  format: PcmFormat;
  maxSec: number;
  settings: FfmpegSettings;
  signal: AbortSignal;
  onPcm(block: Buffer): void;
}): Promise<{ bytes: number }> {
  const args = [
    "-hide_banner", "-nostdin", "-v", "error", "-i", opts.input,
    "-map", "0:a:0", "-vn", "-sn", "-dn", "-t", String(opts.maxSec),
    "-ac", String(opts.format.channels), "-ar", String(opts.format.sampleRate),
    "-c:a", `pcm_s${opts.format.bitsPerSample}le`, "-f", `s${opts.format.bitsPerSample}le`, "pipe:1",
  ];
  const child = spawn(opts.settings.ffmpegBin, args, { stdio: ["ignore", "pipe", "pipe"], signal: opts.signal, killSignal: "SIGKILL" });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  let bytes = 0;
  const tap = new Transform({
    transform(block: Buffer, _enc, done) {
      bytes += block.length;
      opts.onPcm(block);
      done(null, block);
    },
  });
  const [, code] = await Promise.all([
    pipeline(child.stdout, tap, createWriteStream(opts.output, { flags: "r+", start: opts.offset })),
    exited,
  ]);
  if (code !== 0) throw decodeFailure(stderr);
  return { bytes };
}
