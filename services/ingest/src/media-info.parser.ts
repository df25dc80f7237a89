import type { AudioTrack, JobNotice, MediaInfo } from "@mp4t/contracts";
import { PermanentError } from "@mp4t/contracts";
import { allowedDemuxer } from "./media-allowlist.ts";

type ProbeStream = {
  codec_type?: string;
  codec_name?: string;
  sample_rate?: string;
  channels?: number;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: { language?: string };
};
type ProbeOutput = { streams?: ProbeStream[]; format?: { format_name?: string; duration?: string } };

export type ProbedMedia = {
  info: MediaInfo;
  /** The demuxer ffmpeg is told to use (`-f`), so the decode reads the file as the probe did. */
  demuxer: string;
  /** False when neither the container nor the audio stream states a duration (raw streams). */
  durationKnown: boolean;
  /** The audio stream's own duration, if stated: the decoded audio should come close to it. */
  audioDurationSec?: number;
  /** The audio track to decode, counted among audio streams (`-map 0:a:<n>`). */
  audioTrack: number;
  notices: JobNotice[];
};

/** ffprobe guesses these from the file name alone; they are text, not media. */
const NOT_MEDIA_FORMATS = new Set(["tty"]);

const seconds = (v: string | undefined) => {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

/**
 * Turns `ffprobe -print_format json -show_format -show_streams` output into MediaInfo and
 * rejects what the pipeline cannot use. Only the content ffprobe found counts: the file name,
 * extension and declared MIME type play no part.
 */
export function parseProbe(stdout: string, limits: { maxDurationSec: number; audioTrack?: number | undefined }): ProbedMedia {
  let probe: ProbeOutput;
  try {
    probe = JSON.parse(stdout) as ProbeOutput;
  } catch {
    throw new PermanentError("MEDIA_UNREADABLE", "the file could not be examined as media");
  }
  const container = probe.format?.format_name;
  const streams = probe.streams ?? [];
  if (!container || NOT_MEDIA_FORMATS.has(container) || streams.length === 0) {
    throw new PermanentError("MEDIA_UNREADABLE", "the file is not audio or video we can read");
  }
  // ffprobe ran with the same allow-list; checked again so no other demuxer reaches the decode.
  const demuxer = allowedDemuxer(container);
  if (!demuxer) throw new PermanentError("MEDIA_UNSUPPORTED_CONTAINER", `the file's format (${container.split(",")[0]}) is not one we accept`);
  // Cover art in audio files is a one-frame "video" stream; it is not video.
  const hasVideo = streams.some((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
  const audioStreams = streams.filter((s) => s.codec_type === "audio");
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
  const audioCodec = audio.codec_name;
  if (!audioCodec || audioCodec === "none" || audioCodec === "unknown") {
    throw new PermanentError("MEDIA_UNSUPPORTED_CODEC", "the audio stream's codec is not one we can decode");
  }
  const audioDurationSec = seconds(audio.duration);
  const stated = seconds(probe.format?.duration) ?? audioDurationSec;
  if (stated !== undefined && stated > limits.maxDurationSec) {
    throw new PermanentError("MEDIA_TOO_LONG", `the media lasts ${Math.round(stated)} s; the limit is ${limits.maxDurationSec} s`);
  }
  const sampleRate = Number.parseInt(audio.sample_rate ?? "", 10);
  const info: MediaInfo = {
    durationSec: stated ?? 0,
    container,
    audioCodec,
    ...(sampleRate > 0 ? { sampleRate } : {}),
    ...(audio.channels && audio.channels > 0 ? { channels: audio.channels } : {}),
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
  return {
    info,
    demuxer,
    durationKnown: stated !== undefined,
    audioTrack: chosen,
    notices,
    ...(audioDurationSec !== undefined ? { audioDurationSec } : {}),
  };
}

/** ffprobe's language tag, when it is a real one ("und" is ffmpeg's "undetermined"). */
function toAudioTrack(s: ProbeStream, index: number): AudioTrack {
  const language = s.tags?.language?.trim();
  return {
    index,
    codec: s.codec_name && s.codec_name !== "unknown" ? s.codec_name : "unknown",
    ...(language && language !== "und" && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(language) ? { language } : {}),
    ...(s.channels && s.channels > 0 ? { channels: s.channels } : {}),
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
