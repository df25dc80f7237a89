import { describe, expect, it } from "vitest";
import { checkIfMatch, transcriptEtag } from "./etag.ts";

describe("transcript ETags", () => {
  it("names the version, and the format when it is not JSON", () => {
    expect(transcriptEtag(3)).toBe('"v3"');
    expect(transcriptEtag(3, "srt")).toBe('"v3-srt"');
  });

  it("passes the current version in any format, weak or strong, in a list, or *", () => {
    for (const h of ['"v3"', 'W/"v3"', '"v3-vtt"', '"v1", "v3"', "*"]) expect(() => checkIfMatch(h, 3, { required: true }), h).not.toThrow();
  });

  it("answers a stale version 412, a missing header 428 when required, a malformed one 400", () => {
    expect(() => checkIfMatch('"v2"', 3, { required: true })).toThrow(expect.objectContaining({ code: "TRANSCRIPT_CHANGED" }));
    expect(() => checkIfMatch(undefined, 3, { required: true })).toThrow(expect.objectContaining({ code: "PRECONDITION_REQUIRED" }));
    expect(() => checkIfMatch(undefined, 3, { required: false })).not.toThrow();
    expect(() => checkIfMatch("v3", 3, { required: true })).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });
});
