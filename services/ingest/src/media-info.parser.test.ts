import { describe, expect, it } from "vitest";
import { decodeFailure, parseProbe } from "./media-info.parser.ts";

const LIMITS = { maxDurationSec: 3600 };
const mp4 = (over: { streams?: unknown[]; format?: unknown } = {}) =>
  JSON.stringify({
    streams: over.streams ?? [
      { codec_type: "video", codec_name: "h264", duration: "29.7", disposition: { attached_pic: 0 } },
      { codec_type: "audio", codec_name: "aac", sample_rate: "44100", channels: 2, duration: "29.72" },
    ],
    format: over.format ?? { format_name: "mov,mp4,m4a,3gp,3g2,mj2", duration: "29.760000" },
  });

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return { code: (err as { code?: string }).code, name: (err as Error).name };
  }
  return undefined;
};

describe("parseProbe", () => {
  it("describes a video with audio", () => {
    expect(parseProbe(mp4(), LIMITS)).toEqual({
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
      demuxer: "mov",
      durationKnown: true,
      audioDurationSec: 29.72,
      audioTrack: 0,
      notices: [],
    });
  });

  it("lists every audio track with its language, decodes the one asked for, and tells when it had to choose", () => {
    const streams = [
      { codec_type: "video", codec_name: "h264" },
      { codec_type: "audio", codec_name: "aac", channels: 2, tags: { language: "eng" } },
      { codec_type: "audio", codec_name: "opus", channels: 1, duration: "12.5", tags: { language: "und" } },
    ];
    const tracks = [
      { index: 0, codec: "aac", language: "eng", channels: 2 },
      { index: 1, codec: "opus", channels: 1 },
    ];
    const first = parseProbe(mp4({ streams }), LIMITS);
    expect(first.info).toMatchObject({ audioTracks: tracks, audioTrack: 0, audioCodec: "aac" });
    expect(first.notices.map((n) => n.code)).toEqual(["SEVERAL_AUDIO_TRACKS"]);
    const second = parseProbe(mp4({ streams }), { ...LIMITS, audioTrack: 1 });
    expect(second).toMatchObject({ audioTrack: 1, audioDurationSec: 12.5, notices: [], info: { audioCodec: "opus", channels: 1 } });
    expect(codeOf(() => parseProbe(mp4({ streams }), { ...LIMITS, audioTrack: 2 }))).toEqual({ code: "MEDIA_AUDIO_TRACK_NOT_FOUND", name: "PermanentError" });
  });

  it("does not count cover art as video", () => {
    const r = parseProbe(
      mp4({
        streams: [
          { codec_type: "audio", codec_name: "mp3", sample_rate: "48000", channels: 1 },
          { codec_type: "video", codec_name: "mjpeg", disposition: { attached_pic: 1 } },
        ],
        format: { format_name: "mp3", duration: "12.5" },
      }),
      LIMITS,
    );
    expect(r.info.hasVideo).toBe(false);
    expect(r.info.audioCodec).toBe("mp3");
  });

  it("uses the audio stream's duration when the container has none, and flags an unknown one", () => {
    const fromStream = parseProbe(
      mp4({ format: { format_name: "wav" }, streams: [{ codec_type: "audio", codec_name: "pcm_s16le", duration: "3.5" }] }),
      LIMITS,
    );
    expect(fromStream.info.durationSec).toBe(3.5);
    const unknown = parseProbe(mp4({ format: { format_name: "aac", duration: "N/A" }, streams: [{ codec_type: "audio", codec_name: "aac" }] }), LIMITS);
    expect(unknown.durationKnown).toBe(false);
    expect(unknown.info).not.toHaveProperty("sampleRate");
  });

  it("rejects output that is not ffprobe JSON, empty probes and text files as MEDIA_UNREADABLE", () => {
    expect(codeOf(() => parseProbe("Invalid data found", LIMITS))).toEqual({ code: "MEDIA_UNREADABLE", name: "PermanentError" });
    expect(codeOf(() => parseProbe("{}", LIMITS))?.code).toBe("MEDIA_UNREADABLE");
    expect(codeOf(() => parseProbe(mp4({ format: { format_name: "tty" }, streams: [{ codec_type: "video", codec_name: "ansi" }] }), LIMITS))?.code).toBe(
      "MEDIA_UNREADABLE",
    );
    expect(codeOf(() => parseProbe(mp4({ streams: [{ codec_type: "subtitle", codec_name: "subrip" }] }), LIMITS))?.code).toBe("MEDIA_UNREADABLE");
  });

  it("rejects video without audio as MEDIA_NO_AUDIO", () => {
    expect(codeOf(() => parseProbe(mp4({ streams: [{ codec_type: "video", codec_name: "h264" }] }), LIMITS))?.code).toBe("MEDIA_NO_AUDIO");
  });

  it("rejects an audio stream with no known codec as MEDIA_UNSUPPORTED_CODEC", () => {
    expect(codeOf(() => parseProbe(mp4({ streams: [{ codec_type: "audio", codec_name: "none" }] }), LIMITS))?.code).toBe("MEDIA_UNSUPPORTED_CODEC");
    expect(codeOf(() => parseProbe(mp4({ streams: [{ codec_type: "audio" }] }), LIMITS))?.code).toBe("MEDIA_UNSUPPORTED_CODEC");
  });

  it("rejects media longer than the limit as MEDIA_TOO_LONG", () => {
    expect(codeOf(() => parseProbe(mp4(), { maxDurationSec: 20 }))?.code).toBe("MEDIA_TOO_LONG");
  });

  it("names the demuxer to decode with, and refuses a container outside the allow-list", () => {
    expect(parseProbe(mp4(), { maxDurationSec: 3600 }).demuxer).toBe("mov");
    const hls = JSON.parse(mp4()) as { format: { format_name: string } };
    hls.format.format_name = "hls";
    expect(codeOf(() => parseProbe(JSON.stringify(hls), { maxDurationSec: 3600 }))?.code).toBe("MEDIA_UNSUPPORTED_CONTAINER");
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
