import { describe, expect, it } from "vitest";
import { ALLOWED_DEMUXERS, allowedDemuxer, looksLikeReference, probeFailure } from "./media-allowlist.ts";

const text = (s: string) => new TextEncoder().encode(s);

describe("looksLikeReference", () => {
  it.each([
    ["HLS playlist", "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n/etc/secret.ts\n#EXT-X-ENDLIST\n"],
    ["plain M3U with a BOM", "\uFEFF#EXTINF:-1,x\nhttp://example.test/a.mp3\n"],
    ["ffconcat script", "ffconcat version 1.0\nfile /var/lib/a.mp3\n"],
    ["concat list", "file '/var/lib/a.mp3'\nfile '/var/lib/b.mp3'\n"],
    ["DASH manifest", '<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static">'],
    ["PLS", "[playlist]\nFile1=/srv/a.mp3\n"],
    ["SDP", "v=0\no=- 0 0 IN IP4 127.0.0.1\nm=audio 5004 RTP/AVP 0\n"],
    ["bare list of paths", "/root/.ssh/id_ed25519\n"],
    ["bare URL", "file:///etc/shadow\n"],
  ])("%s: yes", (_name, body) => {
    expect(looksLikeReference(text(body))).toBe(true);
  });

  it.each([
    ["lecture notes", "these are lecture notes, not a recording\nNotes: see page 4\n"],
    ["binary with a playlist inside", "RIFF\0\0\0\0WAVE#EXTM3U\n/etc/secret.ts\n"],
    ["empty", ""],
  ])("%s: no", (_name, body) => {
    expect(looksLikeReference(text(body))).toBe(false);
  });
});

describe("probeFailure", () => {
  const binary = new Uint8Array([0, 1, 2, 3]);

  it("a reference demuxer refused by the whitelist is MEDIA_REFERENCE_NOT_ALLOWED, in our words", () => {
    const err = probeFailure("[hls @ 0x5564ab6584c0] Format not on whitelist 'mov,mp3'\nfile:/proc/self/fd/3: Invalid argument", binary);
    expect(err.code).toBe("MEDIA_REFERENCE_NOT_ALLOWED");
    expect(err.message).not.toMatch(/hls @|0x|whitelist|\/proc/);
    expect((err.cause as Error).message).toMatch(/Format not on whitelist/);
  });

  it("any other demuxer refused by the whitelist is MEDIA_UNSUPPORTED_CONTAINER and names the format", () => {
    const err = probeFailure("[jpeg_pipe @ 0x55aa] Format not on whitelist 'mov'\n", binary);
    expect(err.code).toBe("MEDIA_UNSUPPORTED_CONTAINER");
    expect(err.message).toMatch(/jpeg_pipe/);
    expect(err.message).not.toMatch(/0x/);
  });

  it("unreadable bytes are MEDIA_UNREADABLE, unless they are text listing other files", () => {
    expect(probeFailure("file:/proc/self/fd/3: Invalid data found when processing input", binary).code).toBe("MEDIA_UNREADABLE");
    expect(probeFailure("Invalid data found", text("file '/etc/a.mp3'\n")).code).toBe("MEDIA_REFERENCE_NOT_ALLOWED");
  });
});

describe("allowedDemuxer", () => {
  it("takes the first alias of an allowed demuxer, for -f", () => {
    expect(allowedDemuxer("mov,mp4,m4a,3gp,3g2,mj2")).toBe("mov");
    expect(allowedDemuxer("matroska,webm")).toBe("matroska");
    expect(allowedDemuxer("mp3")).toBe("mp3");
  });

  it("refuses playlists, scripts and anything unlisted", () => {
    for (const f of ["hls", "dash", "concat", "image2", "tty", "webm_dash_manifest", "sdp", "lavfi"]) expect(allowedDemuxer(f), f).toBeUndefined();
  });

  it("lists no demuxer that reads other files", () => {
    expect(ALLOWED_DEMUXERS).not.toContain("hls");
    expect(ALLOWED_DEMUXERS).not.toContain("concat");
    expect(ALLOWED_DEMUXERS).not.toContain("dash");
  });
});
