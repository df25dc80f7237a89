import { describe, expect, it } from "vitest";
import { decodeFailure, listingOf, parseListing } from "./media-info.parser.ts";

const LIMITS = { maxDurationSec: 3600 };
const VIDEO = "  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 320x240, 25 fps, 25 tbr, 12800 tbn (default)";
const AAC = "  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 127 kb/s (default)";

/** ffmpeg's listing of an upload, as it prints it (5.1), with `streams` under it. */
const listing = (o: { container?: string; duration?: string; streams?: string[]; metadata?: string[] } = {}) =>
  [
    `Input #0, ${o.container ?? "mov,mp4,m4a,3gp,3g2,mj2"}, from 'file:/proc/self/fd/3':`,
    ...(o.metadata ? ["  Metadata:", ...o.metadata] : []),
    `  Duration: ${o.duration ?? "00:00:29.76"}, start: 0.000000, bitrate: 130 kb/s`,
    ...(o.streams ?? [VIDEO, AAC]),
    "",
  ].join("\n");

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return { code: (err as { code?: string }).code, name: (err as Error).name };
  }
  return undefined;
};

describe("listingOf", () => {
  const log = `[aac @ 0x55d0] a warning before it\n${listing()}Stream mapping:\n  Stream #0:1 -> #0:0 (aac (native) -> pcm_s16le (native))\n`;

  it("takes the listing once the line after it has begun, and not before", () => {
    expect(listingOf(log)).toBe(listing());
    expect(listingOf(listing())).toBeUndefined(); // the next line could still be one of its own
    expect(listingOf(listing().slice(0, 40))).toBeUndefined();
    expect(listingOf("[mov,mp4 @ 0x1] moov atom not found\n")).toBeUndefined();
  });
});

describe("parseListing", () => {
  it("describes a video with audio", () => {
    expect(parseListing(listing(), LIMITS)).toEqual({
      info: {
        durationSec: 29.76,
        container: "mov,mp4,m4a,3gp,3g2,mj2",
        audioCodec: "aac",
        sampleRate: 44100,
        channels: 2,
        hasVideo: true,
        audioTracks: [{ index: 0, codec: "aac", channels: 2 }],
        audioTrack: 0,
      },
      durationKnown: true,
      audioTrack: 0,
      notices: [],
    });
  });

  it("lists every audio track with its language, decodes the one asked for, and tells when it had to choose", () => {
    const streams = [
      "  Stream #0:0: Video: h264 (High), yuv420p(progressive), 640x360, 25 fps, 25 tbr, 1k tbn (default)",
      "  Stream #0:1(eng): Audio: aac (LC), 48000 Hz, stereo, fltp (default)",
      "    Metadata:",
      "      title           : English",
      "  Stream #0:2(und): Audio: opus, 48000 Hz, mono, fltp",
      "  Stream #0:3(ger): Subtitle: subrip",
    ];
    const tracks = [
      { index: 0, codec: "aac", language: "eng", channels: 2 },
      { index: 1, codec: "opus", channels: 1 },
    ];
    const mkv = listing({ container: "matroska,webm", streams });
    const first = parseListing(mkv, LIMITS);
    expect(first.info).toMatchObject({ audioTracks: tracks, audioTrack: 0, audioCodec: "aac", container: "matroska,webm" });
    expect(first.notices.map((n) => n.code)).toEqual(["SEVERAL_AUDIO_TRACKS"]);
    const second = parseListing(mkv, { ...LIMITS, audioTrack: 1 });
    expect(second).toMatchObject({ audioTrack: 1, notices: [], info: { audioCodec: "opus", channels: 1 } });
    expect(codeOf(() => parseListing(mkv, { ...LIMITS, audioTrack: 2 }))).toEqual({ code: "MEDIA_AUDIO_TRACK_NOT_FOUND", name: "PermanentError" });
  });

  it("reads channel counts from ffmpeg's layout names, and leaves out one it cannot", () => {
    const track = (layout: string) =>
      parseListing(
        listing({ container: "wav", streams: [`  Stream #0:0: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 16000 Hz, ${layout}, s16, 256 kb/s`] }),
        LIMITS,
      ).info;
    expect(track("5.1(side)").channels).toBe(6);
    expect(track("3 channels").channels).toBe(3);
    expect(track("hexadecagonal").channels).toBe(16);
    expect(track("5.1.2")).not.toHaveProperty("channels");
  });

  it("does not count cover art as video, and takes an audio file's duration as its audio's", () => {
    const r = parseListing(
      listing({
        container: "mp3",
        duration: "00:00:12.50",
        streams: [
          "  Stream #0:0: Audio: mp3, 48000 Hz, mono, fltp, 64 kb/s",
          "  Stream #0:1: Video: mjpeg (Baseline), yuvj420p(pc, bt470bg/unknown/unknown), 600x600 [SAR 72:72 DAR 1:1], 90k tbr, 90k tbn (attached pic)",
        ],
      }),
      LIMITS,
    );
    expect(r.info.hasVideo).toBe(false);
    expect(r.info.audioCodec).toBe("mp3");
    expect(r.audioDurationSec).toBe(12.5);
    // With video, or any other stream, the container's duration may be that one's: no promise about the audio's.
    expect(parseListing(listing(), LIMITS)).not.toHaveProperty("audioDurationSec");
    const withSubtitles = listing({
      container: "matroska,webm",
      streams: ["  Stream #0:0: Audio: opus, 48000 Hz, mono, fltp", "  Stream #0:1(eng): Subtitle: subrip"],
    });
    expect(parseListing(withSubtitles, LIMITS)).not.toHaveProperty("audioDurationSec");
  });

  it("flags an unknown duration, and reads hours past 99", () => {
    const unknown = parseListing(listing({ container: "aac", duration: "N/A", streams: ["  Stream #0:0: Audio: aac (LC)"] }), LIMITS);
    expect(unknown.durationKnown).toBe(false);
    expect(unknown.info).not.toHaveProperty("sampleRate");
    expect(parseListing(listing({ duration: "123:04:05.50" }), { maxDurationSec: 1e6 }).info.durationSec).toBe(123 * 3600 + 4 * 60 + 5.5);
  });

  it("rejects what is not a listing, no streams and text files as MEDIA_UNREADABLE", () => {
    expect(codeOf(() => parseListing("Invalid data found when processing input", LIMITS))).toEqual({ code: "MEDIA_UNREADABLE", name: "PermanentError" });
    expect(codeOf(() => parseListing(listing({ streams: [] }), LIMITS))?.code).toBe("MEDIA_UNREADABLE");
    expect(codeOf(() => parseListing(listing({ container: "tty", streams: ["  Stream #0:0: Video: ansi, pal8, 640x400, 25 fps"] }), LIMITS))?.code).toBe(
      "MEDIA_UNREADABLE",
    );
    expect(codeOf(() => parseListing(listing({ streams: ["  Stream #0:0: Subtitle: subrip"] }), LIMITS))?.code).toBe("MEDIA_UNREADABLE");
  });

  it("refuses a listing that metadata keys with line breaks made up: a second duration, streams out of order", () => {
    // What a crafted key adds reads as ffmpeg's own lines; only the order gives it away.
    const fakeDuration = listing({ metadata: ["    title           : x", "  Duration: 00:00:01.00, start: 0.000000, bitrate: 1 kb/s"] });
    expect(codeOf(() => parseListing(fakeDuration, LIMITS))?.code).toBe("MEDIA_UNREADABLE");
    const fakeStream = listing({ streams: [VIDEO, "    Metadata:", "  Stream #0:1: Audio: pcm_s16le, 16000 Hz, mono, s16", AAC] });
    expect(codeOf(() => parseListing(fakeStream, LIMITS))?.code).toBe("MEDIA_UNREADABLE");
    expect(codeOf(() => parseListing(listing({ streams: [AAC] }), LIMITS))?.code).toBe("MEDIA_UNREADABLE"); // #0:1 first
    // A key that cut the listing short before its Duration line: ffmpeg always prints one.
    const cut = [
      "Input #0, matroska,webm, from 'file:/proc/self/fd/3':",
      "  Metadata:",
      "    K",
      "  Stream #0:0: Audio: pcm_s16le, 16000 Hz, mono, s16",
      "",
    ].join("\n");
    expect(codeOf(() => parseListing(cut, LIMITS))?.code).toBe("MEDIA_UNREADABLE");
  });

  it("takes a stream listed under two programs (MPEG-TS) once, and refuses one listed two different ways", () => {
    const ts = (again: string) =>
      listing({
        container: "mpegts",
        streams: [
          "  Program 1 ",
          "  Stream #0:0[0x100]: Video: mpeg2video (Main), yuv420p(tv, progressive), 64x64, 25 fps, 25 tbr, 90k tbn",
          "  Stream #0:1[0x101]: Audio: mp2 ([4][0][0][0] / 0x0004), 16000 Hz, mono, s16p, 160 kb/s",
          "  Program 2 ",
          "  Stream #0:2[0x102]: Audio: mp2 ([4][0][0][0] / 0x0004), 16000 Hz, mono, s16p, 160 kb/s",
          "  Program 3 ",
          again,
        ],
      });
    const shared = parseListing(ts("  Stream #0:1[0x101]: Audio: mp2 ([4][0][0][0] / 0x0004), 16000 Hz, mono, s16p, 160 kb/s"), LIMITS);
    expect(shared.info.audioTracks).toHaveLength(2);
    const forged = ts("  Stream #0:1[0x101]: Audio: pcm_s16le, 16000 Hz, mono, s16");
    expect(codeOf(() => parseListing(forged, LIMITS))?.code).toBe("MEDIA_UNREADABLE");
  });

  it("takes a value's own continued lines as the value's", () => {
    const r = parseListing(listing({ metadata: ["    comment         : one", "                    :   Stream #0:5: Audio: fake"] }), LIMITS);
    expect(r.info.audioTracks).toHaveLength(1);
  });

  it("rejects video without audio as MEDIA_NO_AUDIO", () => {
    expect(codeOf(() => parseListing(listing({ streams: [VIDEO] }), LIMITS))?.code).toBe("MEDIA_NO_AUDIO");
  });

  it("rejects an audio stream with no known codec as MEDIA_UNSUPPORTED_CODEC", () => {
    expect(codeOf(() => parseListing(listing({ streams: ["  Stream #0:0: Audio: none (xyz1 / 0x317A7978), 0 channels"] }), LIMITS))?.code).toBe(
      "MEDIA_UNSUPPORTED_CODEC",
    );
  });

  it("rejects media longer than the limit as MEDIA_TOO_LONG", () => {
    expect(codeOf(() => parseListing(listing(), { maxDurationSec: 20 }))?.code).toBe("MEDIA_TOO_LONG");
  });

  it("refuses a container outside the allow-list", () => {
    expect(codeOf(() => parseListing(listing({ container: "hls" }), LIMITS))?.code).toBe("MEDIA_UNSUPPORTED_CONTAINER");
  });
});

describe("decodeFailure", () => {
  it("reports a missing decoder as MEDIA_UNSUPPORTED_CODEC and anything else as MEDIA_UNREADABLE", () => {
    expect(decodeFailure("Decoder (codec none) not found for input stream #0:0").code).toBe("MEDIA_UNSUPPORTED_CODEC");
    expect(decodeFailure("[aac @ 0x1] Error decoding frame\nconversion failed").code).toBe("MEDIA_UNREADABLE");
    const failure = decodeFailure("[aac @ 0x55d0c0ffee00] Error decoding frame");
    // The user reads our words; the tool's (with its addresses) stays in `cause` for the log.
    expect(failure.message).not.toMatch(/aac @|0x/);
    expect((failure.cause as Error).message).toMatch(/Error decoding frame/);
    expect((decodeFailure("").cause as Error).message).toMatch(/no detail/);
  });
});
