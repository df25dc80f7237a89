import { spawn, type ChildProcess } from "node:child_process";
import { open, type FileHandle } from "node:fs/promises";
import { AppError, ConfigError, PermanentError, RetryableError } from "@mp4t/contracts";
import { mediaSpawnOptions, type MediaIdentity } from "@mp4t/runtime";
import { ALLOWED_DEMUXERS, SNIFF_BYTES, looksLikeReference, probeFailure, referenceNotAllowed } from "../media-allowlist.ts";
import { decodeFailure } from "../media-info.parser.ts";
import type { PcmFormat } from "../wav-header.writer.ts";

export type FfmpegSettings = { ffmpegBin: string; ffprobeBin: string; probeTimeoutMs: number; runAs: MediaIdentity };

/**
 * The child reads the upload through the descriptor we opened and hand it as fd 3, and
 * through nothing else: re-opening its own /proc/self/fd/3 needs no search permission on our
 * 0700 scratch directory, which the unprivileged child lacks, so it reaches no other file of ours.
 */
const INPUT_FD = 3;
const INPUT_URL = `file:/proc/self/fd/${INPUT_FD}`;

/**
 * Input options for every run: only the `file` protocol (for that descriptor; no network, no
 * pipe, no concat/subfile/data tricks) and only the allowed demuxers, so a playlist, manifest or
 * concat script is refused before it can name another file.
 */
const INPUT_GUARDS = ["-protocol_whitelist", "file", "-format_whitelist", ALLOWED_DEMUXERS.join(",")];

/**
 * mov's external data references are off by default; say so, should a build change that. ffprobe
 * ignores the option for other demuxers; ffmpeg refuses it there, so it gets it only with `-f mov`.
 */
const NO_DREFS = ["-enable_drefs", "0"];
/** mov's warning for a track whose samples live in another file (a QuickTime reference movie). */
const EXTERNAL_TRACK = /Skipped opening external track/;

/**
 * Opens the upload for a child. The file becomes 0444 (still root's) so the unprivileged child
 * may re-open it; only the descriptor leads there. Its first bytes are returned for the sniff.
 */
async function openInput(path: string): Promise<{ fh: FileHandle; head: Uint8Array }> {
  const fh = await open(path, "r");
  try {
    await fh.chmod(0o444);
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
    return { fh, head: buffer.subarray(0, bytesRead) };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/**
 * Runs a media tool under prlimit(1) (util-linux, essential on Debian), which sets the tool's
 * RLIMIT_FSIZE and then execs it: the largest file it may write, `maxFileBytes` (0: none at
 * all). A decoder that a hostile file took over still cannot grow our audio file past what the
 * duration limit allows, nor fill the disk through any file it can open; the kernel stops it
 * (SIGXFSZ). prlimit execs the tool in place: no second fork of this process.
 */
const PRLIMIT = "prlimit";

/** prlimit's arguments for `bin args` under a file-size limit, in whole bytes written out in digits (never "1e+21"). */
function limitedArgs(bin: string, args: string[], maxFileBytes: number): string[] {
  const limit = BigInt(Math.max(0, Math.min(Number.MAX_SAFE_INTEGER, Math.floor(maxFileBytes)))).toString();
  return [`--fsize=${limit}:${limit}`, "--", bin, ...args];
}

/**
 * At start, before any job: each tool runs (`-version`) as the media user under the largest
 * limit a decode will ask for. A missing prlimit or tool, a tool the media user may not run, or a
 * hard file-size limit below what ingest needs (a container's or service manager's) stops the
 * service with that reason, instead of failing every job later.
 */
export async function checkMediaTools(settings: FfmpegSettings, decode: { offset: number; format: PcmFormat; maxSec: number }): Promise<void> {
  const maxFileBytes = pcmFileLimit(decode);
  const spawnOpts = mediaSpawnOptions(settings.runAs);
  const as = spawnOpts.uid === undefined ? "as this service's user" : `as uid ${spawnOpts.uid}`;
  for (const [bin, limit] of [
    [settings.ffprobeBin, 0],
    [settings.ffmpegBin, maxFileBytes],
  ] as const) {
    const timeout = AbortSignal.timeout(10_000);
    const child = spawn(PRLIMIT, limitedArgs(bin, ["-version"], limit), {
      ...spawnOpts,
      stdio: ["ignore", "ignore", "pipe"],
      signal: timeout,
      killSignal: "SIGKILL",
    });
    const said = stderrOf(child.stderr!);
    const exit = await exitOf(child, bin).catch((err: Error) => ({ code: null, signal: null, error: err.message }));
    if (exit.code === 0) continue;
    const what = `ingest cannot run ${bin} under a file-size limit of ${limit} bytes ${as}`;
    // A slow start may pass next time (exit 1, restarted); anything else will not fix itself
    // (EX_CONFIG, 78: the supervisor stops with the reason; in a shared process the other services stop with it).
    if (timeout.aborted) throw new Error(`${what}: it did not finish within 10 s`);
    throw new ConfigError("ingest", [`${what}: ${"error" in exit ? exit.error : said.head.trim().split("\n")[0] || `exit ${exit.code ?? exit.signal}`}`]);
  }
}

/** A media tool reading the upload's descriptor as fd 3; its stdout a pipe, or a file of ours (`stdout`, a descriptor). */
function spawnMediaTool(
  bin: string,
  args: string[],
  fh: FileHandle,
  settings: FfmpegSettings,
  signal: AbortSignal,
  o: { stdout?: "pipe" | number; maxFileBytes?: number } = {},
) {
  const child = spawn(PRLIMIT, limitedArgs(bin, args, o.maxFileBytes ?? 0), {
    ...mediaSpawnOptions(settings.runAs),
    stdio: ["ignore", o.stdout ?? "pipe", "pipe", fh.fd],
    signal,
    killSignal: "SIGKILL",
  });
  return { child, stdout: child.stdout, stderr: child.stderr! };
}

/**
 * prlimit failed before the tool ran: it could not set the limit (a lower hard limit inherited
 * from the container or service manager) or not exec the tool (missing, not executable). It says
 * so first on stderr and exits non-zero. Our fault, retried, never the upload's rejection.
 */
function execFailure(exit: Exit, stderrHead: string, bin: string): RetryableError | undefined {
  if (exit.code === 0 || !stderrHead.startsWith(`${PRLIMIT}: `)) return undefined;
  return new RetryableError("INTERNAL", `cannot run ${bin}: ${stderrHead.split("\n")[0]!.slice(0, 200)}`);
}

/** A tool's stderr: its first bytes (where prlimit speaks, if it does) and its last 4,000 characters. */
function stderrOf(stream: NodeJS.ReadableStream, onData?: (all: string) => void) {
  const kept = { head: "", tail: "" };
  stream.setEncoding("utf8");
  stream.on("data", (d: string) => {
    if (kept.head.length < 200) kept.head += d.slice(0, 200 - kept.head.length);
    kept.tail += d;
    onData?.(kept.tail);
    kept.tail = kept.tail.slice(-4000);
  });
  return kept;
}

/**
 * ffprobe outlived its timeout. A hostile file or a busy machine may be to blame, so this is not
 * treated as the user's rejection: it is dead-lettered with the upload kept for a re-drive.
 */
export class ProbeTimeoutError extends PermanentError {}

/** A child that could not start (missing binary, no permission for the media uid) is our fault. */
const spawnFailure = (bin: string, err: unknown) =>
  err instanceof Error && "code" in err && err.name !== "AbortError"
    ? new RetryableError("INTERNAL", `cannot run ${bin}: ${(err as NodeJS.ErrnoException).code}`, { cause: err })
    : err;

type Exit = { code: number | null; signal: NodeJS.Signals | null };
const exitOf = (child: ChildProcess, bin: string) =>
  new Promise<Exit>((resolve, reject) => {
    child.once("error", (err) => reject(spawnFailure(`${PRLIMIT} (for ${bin})`, err)));
    child.once("close", (code, signal) => resolve({ code, signal }));
  });

/**
 * Runs ffprobe on the upload and resolves its JSON. Text that lists other files is refused
 * before any tool runs; a file ffprobe rejects (or that makes it hang past the timeout) is a
 * MEDIA_* error in our words; an abort of `signal` propagates as is.
 */
export async function probeMedia(path: string, settings: FfmpegSettings, signal: AbortSignal): Promise<string> {
  const { fh, head } = await openInput(path);
  try {
    if (looksLikeReference(head)) throw referenceNotAllowed();
    const timeout = AbortSignal.timeout(settings.probeTimeoutMs);
    // Warnings too: that is the level at which mov reports a data reference it did not follow.
    const args = ["-v", "warning", ...INPUT_GUARDS, ...NO_DREFS, "-print_format", "json", "-show_format", "-show_streams", INPUT_URL];
    const tool = spawnMediaTool(settings.ffprobeBin, args, fh, settings, AbortSignal.any([signal, timeout]));
    let stdout = "";
    let externalTrack = false;
    tool.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    // Checked before the tail is cut, so later warnings cannot push it out.
    const said = stderrOf(tool.stderr, (all) => (externalTrack ||= EXTERNAL_TRACK.test(all)));
    try {
      const exit = await exitOf(tool.child, settings.ffprobeBin);
      if (exit.code !== 0) throw execFailure(exit, said.head, settings.ffprobeBin) ?? probeFailure(said.tail, head);
      if (externalTrack) throw referenceNotAllowed(said.tail);
      return stdout;
    } catch (err) {
      if (timeout.aborted && !signal.aborted && !(err instanceof AppError)) {
        throw new ProbeTimeoutError("STAGE_TIMEOUT", `the file could not be examined within ${settings.probeTimeoutMs / 1000} s`, { cause: err });
      }
      throw err;
    }
  } finally {
    await fh.close();
  }
}

/** Read-back block for `onPcm`: a few pages, reused through the file (fresh memory costs a fault per page). */
const READ_BLOCK = 128 * 1024;

/**
 * Decodes one audio stream (the first unless `audioTrack` says) to raw little-endian 16-bit PCM in `format`, written into
 * `output` from byte `offset` on (the caller leaves room for a WAV header). ffmpeg writes the file
 * itself, through a descriptor we opened for it as its stdout (write-only, appending; at most
 * `maxSec` of PCM): nothing streams through this process. A full disk fails with STORAGE_FULL
 * (retried, never the file's fault). Once it has exited, the PCM is read back in
 * blocks and handed to `onPcm` (one buffer, reused: copy what you keep). `demuxer` is the one
 * ffprobe found: ffmpeg is told it (`-f`) and guesses nothing. The child is killed when `signal`
 * aborts. docs/architecture.md, "Ingest without a pipe".
 */
export async function extractPcm(opts: {
  input: string;
  demuxer: string;
  /** Which audio stream, counted among audio streams; the first when absent. */
  audioTrack?: number;
  output: string;
  offset: number;
  format: PcmFormat;
  maxSec: number;
  settings: FfmpegSettings;
  signal: AbortSignal;
  onPcm(block: Buffer): void;
}): Promise<{ bytes: number }> {
  const { fh } = await openInput(opts.input);
  try {
    // Write-only and appending: the child's writes land after the header room, and it cannot read the file back.
    const out = await open(opts.output, "a");
    try {
      await out.truncate(opts.offset);
      const maxFileBytes = pcmFileLimit(opts);
      const tool = spawnMediaTool(opts.settings.ffmpegBin, decodeArgs(opts), fh, opts.settings, opts.signal, { stdout: out.fd, maxFileBytes });
      const said = stderrOf(tool.stderr);
      const exit = await exitOf(tool.child, opts.settings.ffmpegBin);
      if (exit.signal === "SIGXFSZ") throw overran(maxFileBytes);
      if (exit.code !== 0)
        throw execFailure(exit, said.head, opts.settings.ffmpegBin) ?? (DISK_FULL.test(said.tail) ? diskFull(said.tail) : decodeFailure(said.tail));
    } finally {
      await out.close();
    }
    return { bytes: await readBack(opts.output, opts.offset, opts.signal, opts.onPcm) };
  } finally {
    await fh.close();
  }
}

/**
 * The largest the audio file may grow: its header room and `maxSec` of PCM (a decode is cut
 * there by `-t`), and one second more for the encoder's last frame.
 */
const pcmFileLimit = (o: { offset: number; format: PcmFormat; maxSec: number }) =>
  o.offset + Math.ceil((o.maxSec + 1) * o.format.sampleRate * o.format.channels * (o.format.bitsPerSample / 8));

/** The decoder wrote past the limit `-t` sets: only a file that subverted it does that. */
const overran = (limit: number) =>
  new PermanentError("MEDIA_UNREADABLE", `the decoder wrote more audio than the duration limit allows (${limit} bytes); the file was refused`);

/** ffmpeg's words for a write refused by a full disk (or quota): the machine's problem, not the file's. */
const DISK_FULL = /No space left on device|Disk quota exceeded/;
const diskFull = (stderr: string) =>
  new RetryableError("STORAGE_FULL", "the scratch disk is full: the audio could not be written", {
    cause: Object.assign(new Error(stderr.trim().split("\n").slice(-2).join(" | ").slice(0, 300)), { code: "ENOSPC" }),
    retryAfterMs: 30_000,
  });

/** The PCM ffmpeg wrote, from `offset` on, handed to `onPcm` in one reused block; resolves its length. */
async function readBack(path: string, offset: number, signal: AbortSignal, onPcm: (block: Buffer) => void): Promise<number> {
  const pcm = await open(path, "r");
  try {
    const bytes = (await pcm.stat()).size - offset;
    if (bytes < 0) throw new PermanentError("INTERNAL", `the decoded audio file is shorter than its ${offset}-byte header`);
    const block = Buffer.allocUnsafe(Math.min(READ_BLOCK, Math.max(bytes, 1)));
    for (let at = 0; at < bytes; ) {
      signal.throwIfAborted();
      const { bytesRead } = await pcm.read(block, 0, Math.min(block.length, bytes - at), offset + at);
      if (bytesRead === 0) break;
      onPcm(block.subarray(0, bytesRead));
      at += bytesRead;
    }
    return bytes;
  } finally {
    await pcm.close();
  }
}

/** ffmpeg's arguments for a decode; exported for the test that pins the input guards. */
export function decodeArgs(opts: { demuxer: string; audioTrack?: number; format: PcmFormat; maxSec: number }): string[] {
  return [
    "-hide_banner",
    "-nostdin",
    "-v",
    "error",
    ...INPUT_GUARDS,
    "-f",
    opts.demuxer,
    ...(opts.demuxer === "mov" ? NO_DREFS : []),
    "-i",
    INPUT_URL,
    "-map",
    `0:a:${opts.audioTrack ?? 0}`,
    "-vn",
    "-sn",
    "-dn",
    "-t",
    String(opts.maxSec),
    "-ac",
    String(opts.format.channels),
    "-ar",
    String(opts.format.sampleRate),
    "-c:a",
    `pcm_s${opts.format.bitsPerSample}le`,
    "-f",
    `s${opts.format.bitsPerSample}le`,
    "pipe:1",
  ];
}
