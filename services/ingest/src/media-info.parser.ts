import type { AudioTrack, JobNotice, MediaInfo } from "@mp4t/contracts";
import { PermanentError } from "@mp4t/contracts";
import { allowedDemuxer } from "./media-allowlist.ts";

/** One stream of ffmpeg's listing of the upload. */
type ListedStream = { index: number; type: string; codec: string; sampleRate?: number; channels?: number; language?: string; attachedPic: boolean };

export type ProbedMedia = {
  info: MediaInfo;
  /** False when the container states no duration (raw streams). */
  durationKnown: boolean;
  /**
   * The audio's duration as stated, when the container's can stand for it (no video stream): the
   * decoded audio should come close to it. ffmpeg's listing gives no stream's own duration.
   */
  audioDurationSec?: number;
  /** The audio track decoded, counted among audio streams (`-map 0:a:<n>`). */
  audioTrack: number;
  notices: JobNotice[];
};

/** ffmpeg guesses these from the file name alone; they are text, not media. */
const NOT_MEDIA_FORMATS = new Set(["tty"]);

/** Channel counts of the layouts ffmpeg names (libavutil's channel_layout_map), beside "N channels". */
const LAYOUT_CHANNELS: Record<string, number> = {
  mono: 1,
  stereo: 2,
  downmix: 2,
  "2.1": 3,
  "3.0": 3,
  "3.0(back)": 3,
  "4.0": 4,
  quad: 4,
  "quad(side)": 4,
  "3.1": 4,
  "5.0": 5,
  "5.0(side)": 5,
  "4.1": 5,
  "5.1": 6,
  "5.1(side)": 6,
  "6.0": 6,
  "6.0(front)": 6,
  hexagonal: 6,
  "6.1": 7,
  "6.1(back)": 7,
  "6.1(front)": 7,
  "7.0": 7,
  "7.0(front)": 7,
  "7.1": 8,
  "7.1(wide)": 8,
  "7.1(wide-side)": 8,
  octagonal: 8,
  hexadecagonal: 16,
  "22.2": 24,
};

const INPUT_LINE = /^Input #0, ([a-z0-9_]+(?:,[a-z0-9_]+)*), from '/;
const DURATION_LINE = /^ {2}Duration: (?:(\d+):(\d{2}):(\d{2}(?:\.\d+)?)|N\/A)/;
const STREAM_LINE = /^ {2}Stream #0:(\d+)(?:\[0x[0-9a-f]+\])?(?:\(([^)]*)\))?: ([A-Za-z]+): (.*)$/;

/**
 * The head of ffmpeg's log that lists the upload (`Input #0, ...` and the lines indented under
 * it), once it is whole: undefined while it may still grow. `log` is ffmpeg's stderr so far.
 */
export function listingOf(log: string): string | undefined {
  const at = log.startsWith("Input #0, ") ? 0 : log.indexOf("\nInput #0, ") + 1;
  if (at === 0 && !log.startsWith("Input #0, ")) return undefined;
  for (let end = log.indexOf("\n", at); end !== -1; end = log.indexOf("\n", end + 1)) {
    const next = end + 1;
    if (next < log.length && log[next] !== " ") return log.slice(at, next);
    if (next >= log.length) return undefined; // the next line has not come yet
  }
  return undefined;
}

/** A line of ffmpeg's log that only its listing of an input has: one per run, as ingest runs it. */
export const LISTING_MARKS = [/^Input #/, /^ {2}Duration: /] as const;

/**
 * Parses ffmpeg's listing of the upload (the input dump it prints before decoding) into the
 * streams. Metadata in it is the upload's own text: a value's own lines come indented under its
 * key, but a key may carry a line break (and a warning before the listing may quote the file), so
 * a crafted file could add lines that look like ffmpeg's. ffmpeg prints exactly one `Input #` line
 * and one Duration line for the one input (none for the output), so a listing of its own shows as
 * a second of either in the whole log: `decodeMedia` counts them (`LISTING_MARKS`) and refuses the
 * file. (A key on a stream, or a stream's language, can still end the real listing early, or
 * rewrite a stream's line, with one of each.) Here, a listing must hold one Duration line and number its
 * streams 0..n-1, a stream listed twice (under two programs) the same both times. What an added
 * line could still do is add a stream, or change one's line, which changes only what this job's own
 * record lists and how its failure reads: ffmpeg decodes the real track by number, the PCM it
 * writes is bounded by `-t` and the file-size limit whatever the listing says, and a full disk is
 * believed only from ffmpeg's lines after the run's own mark, with a disk that agrees (`decodeMedia`).
 */
function parseListingText(text: string): { container: string; durationSec?: number; streams: ListedStream[] } {
  const unreadable = () => new PermanentError("MEDIA_UNREADABLE", "the file is not audio or video we can read");
  const lines = text.split("\n");
  const container = INPUT_LINE.exec(lines[0] ?? "")?.[1];
  if (!container) throw unreadable();
  let durationSec: number | undefined;
  let durations = 0;
  const streams: ListedStream[] = [];
  const lineOf = new Map<number, string>();
  for (const line of lines.slice(1)) {
    const d = DURATION_LINE.exec(line);
    if (d) {
      if (++durations > 1) throw unreadable();
      if (d[1] !== undefined) durationSec = Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]);
      continue;
    }
    const s = STREAM_LINE.exec(line);
    if (!s) continue;
    const index = Number(s[1]);
    // A stream in several programs (MPEG-TS) is listed again under each, the same line: once is kept.
    const seen = lineOf.get(index);
    if (seen !== undefined) {
      if (seen !== line) throw unreadable();
      continue;
    }
    lineOf.set(index, line);
    const detail = s[4]!;
    const rate = /, (\d+) Hz(?:,|$)/.exec(detail);
    const layout = /\d+ Hz, ([^,]+)/.exec(detail)?.[1]?.trim();
    const channels =
      layout === undefined
        ? undefined
        : ((Object.hasOwn(LAYOUT_CHANNELS, layout) ? LAYOUT_CHANNELS[layout] : undefined) ?? Number(/^(\d+) channels\b/.exec(layout)?.[1] ?? NaN));
    streams.push({
      index,
      type: s[3]!.toLowerCase(),
      codec: /^([A-Za-z0-9_]+)/.exec(detail)?.[1] ?? "unknown",
      ...(rate ? { sampleRate: Number(rate[1]) } : {}),
      ...(channels !== undefined && Number.isInteger(channels) && channels > 0 ? { channels } : {}),
      ...(s[2] !== undefined ? { language: s[2] } : {}),
      attachedPic: /\(attached pic\)/.test(detail),
    });
  }
  if (durations !== 1) throw unreadable(); // ffmpeg prints one for an input, N/A when unknown
  // Numbered 0..n-1, each once (programs may list them out of order).
  streams.sort((a, b) => a.index - b.index);
  if (streams.some((st, i) => st.index !== i)) throw unreadable();
  return { container, ...(durationSec !== undefined ? { durationSec } : {}), streams };
}

/**
 * Turns ffmpeg's listing of the upload (`listingOf`) into MediaInfo and rejects what the pipeline
 * cannot use. Only the content ffmpeg found counts: the file name, extension and declared MIME
 * type play no part.
 */
export function parseListing(listing: string, limits: { maxDurationSec: number; audioTrack?: number | undefined }): ProbedMedia {
  const { container, durationSec: stated, streams } = parseListingText(listing);
  if (NOT_MEDIA_FORMATS.has(container) || streams.length === 0) {
    throw new PermanentError("MEDIA_UNREADABLE", "the file is not audio or video we can read");
  }
  // ffmpeg ran with the allow-list; checked again so no other demuxer's output is used.
  if (!allowedDemuxer(container)) {
    throw new PermanentError("MEDIA_UNSUPPORTED_CONTAINER", `the file's format (${container.split(",")[0]}) is not one we accept`);
  }
  // Cover art in audio files is a one-frame "video" stream; it is not video.
  const hasVideo = streams.some((s) => s.type === "video" && !s.attachedPic);
  const audioStreams = streams.filter((s) => s.type === "audio");
  if (audioStreams.length === 0) {
    if (hasVideo) throw new PermanentError("MEDIA_NO_AUDIO", "the media has a video stream but no audio stream");
    throw new PermanentError("MEDIA_UNREADABLE", "the file has neither an audio nor a video stream");
  }
  const tracks = audioStreams.map(toAudioTrack);
  const chosen = limits.audioTrack ?? 0;
  const audio = audioStreams[chosen];
  if (!audio) {
    const listed = tracks.map((t) => `${t.index}: ${t.codec}${t.language ? ` ${t.language}` : ""}`).join(", ");
    throw new PermanentError(
      "MEDIA_AUDIO_TRACK_NOT_FOUND",
      `the media has no audio track ${chosen}; its ${tracks.length} audio track${tracks.length > 1 ? "s are" : " is"} ${listed}`,
    );
  }
  const audioCodec = audio.codec;
  if (audioCodec === "none" || audioCodec === "unknown") {
    throw new PermanentError("MEDIA_UNSUPPORTED_CODEC", "the audio stream's codec is not one we can decode");
  }
  if (stated !== undefined && stated > limits.maxDurationSec) {
    throw new PermanentError("MEDIA_TOO_LONG", `the media lasts ${Math.round(stated)} s; the limit is ${limits.maxDurationSec} s`);
  }
  const info: MediaInfo = {
    durationSec: stated ?? 0,
    container,
    audioCodec,
    ...(audio.sampleRate !== undefined && audio.sampleRate > 0 ? { sampleRate: audio.sampleRate } : {}),
    ...(audio.channels !== undefined ? { channels: audio.channels } : {}),
    hasVideo,
    audioTracks: tracks,
    audioTrack: chosen,
  };
  // Several tracks and no choice: the first is a guess the user should hear about.
  const notices: JobNotice[] =
    tracks.length > 1 && limits.audioTrack === undefined
      ? [
          {
            code: "SEVERAL_AUDIO_TRACKS",
            message: `the media has ${tracks.length} audio tracks and the job named none (option audioTrack); track 0 was transcribed`,
          },
        ]
      : [];
  // A file of one audio stream (cover art aside) and nothing else: the container's duration is the audio's.
  const audioOnly = audioStreams.length === 1 && streams.every((s) => s.type === "audio" || s.attachedPic);
  const audioDurationSec = stated !== undefined && audioOnly ? stated : undefined;
  return {
    info,
    durationKnown: stated !== undefined,
    audioTrack: chosen,
    notices,
    ...(audioDurationSec !== undefined ? { audioDurationSec } : {}),
  };
}

/** A track's language, when it is a real one ("und" is ffmpeg's "undetermined"). */
function toAudioTrack(s: ListedStream, index: number): AudioTrack {
  const language = s.language?.trim();
  return {
    index,
    codec: s.codec !== "unknown" ? s.codec : "unknown",
    ...(language && language !== "und" && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(language) ? { language } : {}),
    ...(s.channels !== undefined ? { channels: s.channels } : {}),
  };
}

const CODEC_FAILURE = /decoder .*not found|no decoder|unsupported codec|not supported by this decoder|could not find codec|unknown codec/i;

/** Maps a failed ffmpeg decode to a stable code from its stderr; ffmpeg's words go only to `cause`. */
export function decodeFailure(stderr: string): PermanentError {
  const cause = new Error(stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 500) || "no detail");
  return CODEC_FAILURE.test(stderr)
    ? new PermanentError("MEDIA_UNSUPPORTED_CODEC", "the audio is in a codec we cannot decode", { cause })
    : new PermanentError("MEDIA_UNREADABLE", "the audio could not be decoded (the file looks corrupt or truncated)", { cause });
}
