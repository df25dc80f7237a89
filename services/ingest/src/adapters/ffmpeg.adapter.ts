import { randomBytes } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { open, statfs, type FileHandle } from "node:fs/promises";
import { setImmediate as turn } from "node:timers/promises";
import { dirname } from "node:path";
import { AppError, ConfigError, PermanentError, RetryableError } from "@mp4t/contracts";
import { mediaSpawnOptions, relaySpawn, type MediaIdentity, type RelayedChild } from "@mp4t/runtime";
import { INLINE_BYTES } from "@mp4t/stores";
import { ALLOWED_DEMUXERS, SNIFF_BYTES, looksLikeReference, probeFailure, referenceNotAllowed } from "../media-allowlist.ts";
import { decodeFailure, LISTING_MARKS, listingOf } from "../media-info.parser.ts";
import type { PcmFormat } from "../wav-header.writer.ts";

/** `probeTimeoutMs`: how long ffmpeg may take to list the upload's streams before the file is judged unreadable. */
export type FfmpegSettings = { ffmpegBin: string; probeTimeoutMs: number; runAs: MediaIdentity };

/**
 * The child reads the upload through a descriptor opened for it as this service's user (by the
 * spawn relay, before the child's user changes) and handed to it as fd 3, and through nothing else: re-opening its own /proc/self/fd/3 needs no search permission on our
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
 * mov's external data references are off by default; say so, should a build change that. ffmpeg
 * refuses the option for other demuxers, so it is given with `-f mov`, for an upload whose first
 * box is one an ISO or QuickTime file starts with (`looksLikeMov`); any other upload is left to
 * ffmpeg's own probe, within the allow-list, and the warning below still refuses a reference.
 */
const NO_DREFS = ["-enable_drefs", "0"];

/** The box types an ISO base media (MP4, M4A, 3GP) or QuickTime file starts with, at byte 4. */
const MOV_FIRST_BOXES = new Set(["ftyp", "moov", "mdat", "free", "skip", "wide", "pnot", "uuid", "junk", "pict", "prfl", "udta", "styp", "sidx", "moof"]);

/** True when the upload's head is the first box of an ISO base media or QuickTime file. */
export const looksLikeMov = (head: Uint8Array) => head.length >= 8 && MOV_FIRST_BOXES.has(Buffer.from(head.subarray(4, 8)).toString("latin1"));
/**
 * mov's warning for a track whose samples live in another file (a QuickTime reference movie), as
 * a line of its own with mov's prefix: a metadata value cannot start one (its lines are indented
 * under its key); a crafted key could, which refuses only its own file.
 */
const EXTERNAL_TRACK = /^\[mov,mp4,m4a,3gp,3g2,mj2 @ 0x[0-9a-f]+\] Skipped opening external track.*$/m;

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
 * At start, before any job: ffmpeg runs (`-version`) as the media user under the largest
 * limit a decode will ask for. A missing prlimit or tool, a tool the media user may not run, or a
 * hard file-size limit below what ingest needs (a container's or service manager's) stops the
 * service with that reason, instead of failing every job later.
 */
export async function checkMediaTools(settings: FfmpegSettings, decode: { offset: number; format: PcmFormat; maxSec: number }): Promise<void> {
  const maxFileBytes = pcmFileLimit(decode);
  const spawnOpts = mediaSpawnOptions(settings.runAs);
  const as = spawnOpts.uid === undefined ? "as this service's user" : `as uid ${spawnOpts.uid}`;
  for (const [bin, limit] of [[settings.ffmpegBin, maxFileBytes]] as const) {
    const timeout = AbortSignal.timeout(10_000);
    // Through the spawn relay, as every decode: a relay that cannot start (no perl) stops the service here.
    const child = relaySpawn([PRLIMIT, ...limitedArgs(bin, ["-version"], limit)], { ...spawnOpts, signal: timeout });
    child.stdout!.resume();
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

/**
 * A media tool reading the upload as fd 3 (opened read-only for it); its stdout a pipe, or a file
 * of ours it appends to. Started by the spawn relay (@mp4t/runtime), not forked from this process.
 */
function spawnMediaTool(
  bin: string,
  args: string[],
  input: string,
  settings: FfmpegSettings,
  signal: AbortSignal,
  o: { stdout?: "pipe" | { appendTo: string }; maxFileBytes?: number } = {},
) {
  const child = relaySpawn([PRLIMIT, ...limitedArgs(bin, args, o.maxFileBytes ?? 0)], {
    ...mediaSpawnOptions(settings.runAs),
    stdout: o.stdout ?? "pipe",
    fd3: input,
    signal,
  });
  return { child, stdout: child.stdout, stderr: child.stderr };
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
function stderrOf(stream: NodeJS.ReadableStream, onData?: (all: string, chunk: string) => void) {
  const kept = { head: "", tail: "" };
  stream.setEncoding("utf8");
  stream.on("data", (d: string) => {
    if (kept.head.length < 200) kept.head += d.slice(0, 200 - kept.head.length);
    kept.tail += d;
    onData?.(kept.tail, d);
    kept.tail = kept.tail.slice(-4000);
  });
  return kept;
}

/**
 * ffmpeg did not list the upload's streams within its timeout. A hostile file or a busy machine
 * may be to blame, so this is not treated as the user's rejection: it is dead-lettered with the
 * upload kept for a re-drive.
 */
export class ProbeTimeoutError extends PermanentError {}

/** The errno name; for the relay itself (ERELAY: it could not start, or ended), why. */
const failureDetail = (err: NodeJS.ErrnoException) => (err.code === "ERELAY" ? `${err.code} (${err.message})` : err.code);

/** A child that could not start (missing binary, no permission for the media uid, the spawn relay gone) is our fault. */
const spawnFailure = (bin: string, err: unknown) =>
  err instanceof Error && "code" in err && err.name !== "AbortError"
    ? new RetryableError("INTERNAL", `cannot run ${bin}: ${failureDetail(err as NodeJS.ErrnoException)}`, { cause: err })
    : err;

type Exit = { code: number | null; signal: NodeJS.Signals | null };
const exitOf = (child: RelayedChild, bin: string) =>
  new Promise<Exit>((resolve, reject) => {
    child.once("error", (err) => reject(spawnFailure(`${PRLIMIT} (for ${bin})`, err)));
    child.once("close", (code, signal) => resolve({ code, signal }));
  });

/**
 * The most of ffmpeg's log kept while its listing of the upload is not whole. A listing is a few
 * KB; a file whose metadata makes it longer is refused, rather than held in memory.
 */
const MAX_LISTING_CHARS = 256 * 1024;

const forgedListing = () =>
  new PermanentError("MEDIA_UNREADABLE", "the file's list of streams could not be read unambiguously (its metadata imitates it); the file was refused");

const listingTooLong = () =>
  new PermanentError("MEDIA_UNREADABLE", `the file's list of streams and metadata is over ${MAX_LISTING_CHARS / 1024} KB; the file was refused`);

/** Read-back block for `onPcm`: a few pages, reused through the file (fresh memory costs a fault per page). */
const READ_BLOCK = 128 * 1024;
/** Read-back blocks between two turns of the event loop (4 MiB). */
const BLOCKS_PER_TURN = INLINE_BYTES / READ_BLOCK;

/**
 * Lists the upload's streams and decodes one audio stream (the first unless `audioTrack` says) to
 * raw little-endian 16-bit PCM in `format`, written into `output` from byte `offset` on (the
 * caller leaves room for a WAV header), in one ffmpeg run. Text that lists other files is refused
 * before it runs. ffmpeg prints its listing of the upload before it decodes; `inspect` gets it
 * whole (`listingOf`) and may throw to refuse the file, which stops ffmpeg. The listing must come
 * within `probeTimeoutMs` (ProbeTimeoutError). ffmpeg writes the file itself, through a
 * descriptor opened for it as its stdout (write-only, appending; at most `maxSec` of PCM):
 * nothing streams through this process. A full disk fails with STORAGE_FULL (retried, never the
 * file's fault). Once it has exited, the PCM is read back in blocks and handed to `onPcm` (one
 * buffer, reused: copy what you keep). The child is killed when `signal` aborts.
 * docs/architecture.md, "Ingest without a pipe" and "One ffmpeg run".
 */
export async function decodeMedia<T>(opts: {
  input: string;
  /** Which audio stream, counted among audio streams; the first when absent. */
  audioTrack?: number | undefined;
  output: string;
  offset: number;
  format: PcmFormat;
  maxSec: number;
  settings: FfmpegSettings;
  signal: AbortSignal;
  inspect(listing: string): T;
  onPcm(block: Buffer): void;
}): Promise<{ bytes: number; inspected: T }> {
  const { fh, head } = await openInput(opts.input);
  try {
    if (looksLikeReference(head)) throw referenceNotAllowed();
    // Write-only and appending: the child's writes land after the header room, and it cannot read the file back.
    const out = await open(opts.output, "a");
    let inspected: { value: T } | undefined;
    try {
      await out.truncate(opts.offset);
      const maxFileBytes = pcmFileLimit(opts);
      const refuse = new AbortController();
      let refusal: unknown;
      const signal = AbortSignal.any([opts.signal, refuse.signal]);
      const mark = randomBytes(12).toString("hex"); // see `afterMark` below
      const args = decodeArgs({ ...opts, mov: looksLikeMov(head), mark });
      const tool = spawnMediaTool(opts.settings.ffmpegBin, args, opts.input, opts.settings, signal, { stdout: { appendTo: opts.output }, maxFileBytes });
      const probeTimeout = setTimeout(() => refuse.abort(), opts.settings.probeTimeoutMs);
      // ffmpeg's log until its listing is whole; after it, the last of what it says, where a
      // decode's failure is told. Lines in the listing may be the upload's (`parseListing`), and
      // so may what follows a listing a tag name ended early. So a full disk is believed only
      // after this run's mark (a random value of ours that ffmpeg prints as the output's one
      // metadata; the output takes none of the upload's), which no file can know or print before
      // it, and only when the disk agrees (`diskShort`: a demuxer may print the upload's text after it).
      let log = "";
      let rest = "";
      let beforeMark = "";
      let afterMark: string | undefined;
      let listed = false;
      const takeAfterListing = (text: string) => {
        rest = (rest + text).slice(-4000);
        if (afterMark !== undefined) return void (afterMark = (afterMark + text).slice(-4000));
        beforeMark = (beforeMark + text).slice(-(MAX_LISTING_CHARS + mark.length));
        const at = beforeMark.indexOf(mark);
        if (at !== -1) afterMark = beforeMark.slice(at + mark.length).slice(-4000);
      };
      // Lines that only ffmpeg's listing has, counted over its whole log: a second means the file
      // printed a listing of its own (or cut the real one short), and it is refused.
      const marks = [0, 0];
      let partial = "";
      const countMarks = (text: string) => {
        for (const line of text.split("\n")) LISTING_MARKS.forEach((re, i) => void (re.test(line) && marks[i]!++));
        return marks.some((n) => n > 1);
      };
      const said = stderrOf(tool.stderr, (all, chunk) => {
        if (refusal !== undefined) return;
        const lines = (partial + chunk).split("\n");
        partial = lines.pop()!.slice(0, 4096);
        if (countMarks(lines.join("\n"))) {
          refusal = forgedListing();
          return void refuse.abort();
        }
        // Checked before the tail is cut, so later warnings cannot push it out; ffmpeg is stopped at once.
        const external = EXTERNAL_TRACK.exec(all)?.[0];
        if (external !== undefined) {
          refusal = referenceNotAllowed(external); // that line for the log, whatever came after it
          return void refuse.abort();
        }
        if (listed) return takeAfterListing(chunk);
        log += chunk;
        const listing = listingOf(log);
        if (listing === undefined) {
          // ffmpeg maps the streams only after it listed them: a listing not found by then was
          // hidden (a message cut at av_log's 64 KB glues the next line onto it), and the decode
          // would run unchecked until the timeout.
          if (log.length > MAX_LISTING_CHARS || STREAM_MAPPING.test(log)) {
            refusal = log.length > MAX_LISTING_CHARS ? listingTooLong() : forgedListing();
            refuse.abort();
          }
          return;
        }
        listed = true;
        const after = log.slice(log.indexOf(listing) + listing.length);
        log = "";
        clearTimeout(probeTimeout);
        try {
          inspected = { value: opts.inspect(listing) };
        } catch (err) {
          refusal = err;
          return void refuse.abort();
        }
        takeAfterListing(after);
      });
      let exit: Exit;
      try {
        exit = await exitOf(tool.child, opts.settings.ffmpegBin);
      } catch (err) {
        if (refusal !== undefined) throw refusal;
        if (refuse.signal.aborted && !opts.signal.aborted && !(err instanceof AppError)) throw probeTimedOut(opts.settings.probeTimeoutMs, err);
        throw err;
      } finally {
        clearTimeout(probeTimeout);
      }
      if (refusal !== undefined) throw refusal;
      if (countMarks(partial)) throw forgedListing();
      if (exit.signal === "SIGXFSZ") throw overran(maxFileBytes);
      if (exit.code !== 0) {
        const failed = execFailure(exit, said.head, opts.settings.ffmpegBin);
        if (failed) throw failed;
        // Refused before it listed the streams: the file was not read as media (or not allowed).
        if (!listed) throw probeFailure(said.tail, head);
        if (afterMark !== undefined && DISK_FULL.test(afterMark) && (await diskShort(opts.output))) throw diskFull(afterMark);
        throw decodeFailure(rest);
      }
      if (!inspected) throw new PermanentError("MEDIA_UNREADABLE", "the file is not audio or video we can read");
    } finally {
      await out.close();
    }
    return { bytes: await readBack(opts.output, opts.offset, opts.signal, opts.onPcm), inspected: inspected.value };
  } finally {
    await fh.close();
  }
}

const probeTimedOut = (ms: number, cause: unknown) => new ProbeTimeoutError("STAGE_TIMEOUT", `the file could not be examined within ${ms / 1000} s`, { cause });

/**
 * The largest the audio file may grow: its header room and `maxSec` of PCM (a decode is cut
 * there by `-t`), and one second more for the encoder's last frame.
 */
const pcmFileLimit = (o: { offset: number; format: PcmFormat; maxSec: number }) =>
  o.offset + Math.ceil((o.maxSec + 1) * o.format.sampleRate * o.format.channels * (o.format.bitsPerSample / 8));

/** The decoder wrote past the limit `-t` sets: only a file that subverted it does that. */
const overran = (limit: number) =>
  new PermanentError("MEDIA_UNREADABLE", `the decoder wrote more audio than the duration limit allows (${limit} bytes); the file was refused`);

/**
 * ffmpeg's own lines for a write to our audio file refused by a full disk (or quota): the
 * machine's problem, not the file's. Whole lines, believed only after the run's mark
 * (`decodeMedia`) and when the disk agrees (`diskShort`).
 */
const DISK_FULL =
  /^(?:av_interleaved_write_frame\(\)|Error writing trailer of pipe:1|Error closing file pipe:1): (?:No space left on device|Disk quota exceeded)$/m;
const diskFull = (stderr: string) =>
  new RetryableError("STORAGE_FULL", "the scratch disk is full: the audio could not be written", {
    cause: Object.assign(new Error(stderr.trim().split("\n").slice(-2).join(" | ").slice(0, 300)), { code: "ENOSPC" }),
    retryAfterMs: 30_000,
  });

/**
 * Room left for an unprivileged writer below which a full disk is believed (with ffmpeg's line for
 * it after the run's mark): a demuxer may still print the upload's text after the mark (an Ogg
 * stream's tags read again mid-stream), so the log alone does not decide. A write refused for
 * room leaves next to none; an upload can only bring the disk this near full by filling it, and
 * then the disk is full. A per-user quota does not show here: a decode refused by a quota alone
 * reads as the file's failure.
 */
const FULL_BELOW_BYTES = 64 * 1024 * 1024;

/** True when the disk under `path` has under FULL_BELOW_BYTES left for an unprivileged writer, or cannot be asked (a full disk is then not ruled out). */
async function diskShort(path: string): Promise<boolean> {
  const fs = await statfs(dirname(path)).catch(() => undefined);
  return fs === undefined || fs.bavail * fs.bsize < FULL_BELOW_BYTES;
}

/** ffmpeg's first line after its listing of the input. */
const STREAM_MAPPING = /^Stream mapping:/m;

/**
 * The PCM ffmpeg wrote, from `offset` on, handed to `onPcm` in one reused block; resolves its
 * length. Read in this thread (small reads of a local scratch file: @mp4t/stores local-io.ts),
 * giving the event loop a turn every few MiB.
 */
async function readBack(path: string, offset: number, signal: AbortSignal, onPcm: (block: Buffer) => void): Promise<number> {
  const fd = openSync(path, "r");
  try {
    const bytes = fstatSync(fd).size - offset;
    if (bytes < 0) throw new PermanentError("INTERNAL", `the decoded audio file is shorter than its ${offset}-byte header`);
    const block = Buffer.allocUnsafe(Math.min(READ_BLOCK, Math.max(bytes, 1)));
    for (let at = 0, reads = 0; at < bytes; ) {
      if (++reads % BLOCKS_PER_TURN === 0) await turn();
      signal.throwIfAborted();
      const bytesRead = readSync(fd, block, 0, Math.min(block.length, bytes - at), offset + at);
      if (bytesRead === 0) break;
      onPcm(block.subarray(0, bytesRead));
      at += bytesRead;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/**
 * ffmpeg's arguments for a run; exported for the test that pins the input guards. `-v info`: the
 * listing of the upload's streams is printed at that level, and so are mov's warnings. `mark`:
 * the output's one metadata, printed in ffmpeg's listing of the output (see `decodeMedia`).
 */
export function decodeArgs(opts: { mov: boolean; mark: string; audioTrack?: number | undefined; format: PcmFormat; maxSec: number }): string[] {
  return [
    "-hide_banner",
    "-nostdin",
    "-nostats",
    "-v",
    "info",
    ...INPUT_GUARDS,
    ...(opts.mov ? ["-f", "mov", ...NO_DREFS] : []),
    "-i",
    INPUT_URL,
    "-map",
    `0:a:${opts.audioTrack ?? 0}`,
    "-map_metadata",
    "-1",
    "-map_chapters",
    "-1",
    "-metadata",
    `mp4t_run=${opts.mark}`,
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
