import { PermanentError } from "@mp4t/contracts";

/**
 * The demuxers ffmpeg may use on an upload (`-format_whitelist`): the containers
 * that phones, cameras, recorders, browsers (MediaRecorder) and meeting tools write. Each reads
 * its streams from the uploaded bytes alone. ffmpeg matches a name against every alias of a
 * demuxer, so `mov` admits "mov,mp4,m4a,3gp,3g2,mj2" and `matroska` admits "matroska,webm".
 * mov can point at external files (data references); ffmpeg reads an upload that starts as an MP4
 * or MOV with `-f mov -enable_drefs 0`, and a track it skipped as external refuses the file.
 */
export const ALLOWED_DEMUXERS = [
  "mov", // MP4, MOV, M4A, 3GP
  "matroska", // MKV, WebM
  "mp3",
  "wav",
  "flac",
  "ogg",
  "aac",
  "aiff",
  "caf",
  "amr",
  "avi",
  "mpegts",
  "mpeg",
  "asf",
  "flv",
] as const;

/**
 * Demuxers whose input is a list, manifest or script naming other files or URLs: what an
 * attacker uploads to make ffmpeg read our disk or network. Named only to choose the error code;
 * the whitelist above is what stops them.
 */
const REFERENCE_DEMUXERS = new Set(["hls", "applehttp", "dash", "concat", "webm_dash_manifest", "imf", "sdp", "rtsp", "rtp", "image2", "lavfi"]);

/** Text that marks a playlist, manifest or file list, whether or not ffmpeg would recognise it. */
const REFERENCE_TEXT = [
  /#EXTM3U|#EXTINF|#EXT-X-/i, // HLS and plain M3U
  /^\s*ffconcat\s+version/im, // ffconcat script
  /^\s*file\s+\S/im, // concat demuxer list ("file '/path'")
  /<MPD[\s>]|<SmoothStreamingMedia|<smil[\s>]|<playlist[\s>]|<asx[\s>]/i, // DASH, Smooth, SMIL, XSPF, ASX
  /^\s*\[playlist\]/im, // PLS
  /^v=0\s*$[\s\S]*^m=(?:audio|video)\s/m, // SDP
  /^\s*(?:[a-z][a-z0-9+.-]*:\/\/|file:|\/)\S+\s*$/im, // a line that is only a URL or absolute path
];

/** How many leading bytes of an upload `sniffReference` looks at. */
export const SNIFF_BYTES = 8192;

/**
 * True when the head of an upload is text that lists other files or addresses. Media is binary
 * (a NUL byte turns up within the first few KB of every container we accept), so only text is
 * examined.
 */
export function looksLikeReference(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  const text = Buffer.from(head)
    .toString("utf8")
    .replace(/^\uFEFF/, "");
  return REFERENCE_TEXT.some((re) => re.test(text));
}

/** `detail`: the tool's words, kept for the log only. */
export const referenceNotAllowed = (detail?: string) =>
  new PermanentError(
    "MEDIA_REFERENCE_NOT_ALLOWED",
    "the file is a playlist, or refers to other files or addresses for its content; upload the audio or video file itself",
    detail ? { cause: new Error(detail.trim().split("\n").slice(-3).join(" | ").slice(0, 500)) } : undefined,
  );

const WHITELIST_REJECTION = /\[([A-Za-z0-9_,]+) @ 0x[0-9a-f]+\] Format not on whitelist/;

/**
 * Turns an ffmpeg run that failed before it listed the upload's streams into the user's error, in
 * our words (ffmpeg's own text, with its addresses and offsets, goes only into `cause` for the log).
 */
export function probeFailure(stderr: string, head: Uint8Array): PermanentError {
  const cause = new Error(stderr.trim().split("\n").slice(-3).join(" | ").slice(0, 500) || "no detail");
  const rejected = WHITELIST_REJECTION.exec(stderr)?.[1];
  if (rejected !== undefined) {
    if (rejected.split(",").some((n) => REFERENCE_DEMUXERS.has(n)) || looksLikeReference(head)) return referenceNotAllowed(stderr);
    return new PermanentError("MEDIA_UNSUPPORTED_CONTAINER", `the file's format (${rejected.split(",")[0]}) is not one we accept`, { cause });
  }
  if (looksLikeReference(head)) return referenceNotAllowed(stderr);
  return new PermanentError("MEDIA_UNREADABLE", "the file is not audio or video we can read (corrupt, truncated or not media)", { cause });
}

/**
 * The first of a container's names (ffmpeg's comma list of a demuxer's aliases) when one of them
 * is on the allow-list; undefined when none is.
 */
export function allowedDemuxer(formatName: string): string | undefined {
  const names = formatName.split(",");
  return names.some((n) => (ALLOWED_DEMUXERS as readonly string[]).includes(n)) ? names[0] : undefined;
}
