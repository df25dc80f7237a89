import { AppError } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { cleanFileName, parseJobOptions } from "./job-options.ts";

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : "not an AppError";
  }
  return "no error";
};

describe("parseJobOptions", () => {
  it("applies the defaults when the field is absent or blank", () => {
    const defaults = { language: "en", diarize: true, enhance: [], class: "interactive" };
    expect(parseJobOptions(undefined)).toEqual(defaults);
    expect(parseJobOptions("  ")).toEqual(defaults);
  });

  it("parses JSON text and already-parsed values alike", () => {
    expect(parseJobOptions('{"class":"batch","enhance":["translate:de"]}')).toMatchObject({ class: "batch", enhance: ["translate:de"] });
    expect(parseJobOptions({ speakers: 3 })).toMatchObject({ speakers: 3 });
  });

  it("reports bad JSON as INVALID_JSON and contract violations as VALIDATION_FAILED", () => {
    expect(codeOf(() => parseJobOptions("{language:"))).toBe("INVALID_JSON");
    expect(codeOf(() => parseJobOptions('{"extra":1}'))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => parseJobOptions('{"diarize":"no"}'))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => parseJobOptions("null"))).toBe("VALIDATION_FAILED");
  });

  it("names the offending field in the message", () => {
    expect(() => parseJobOptions('{"speakers": 0}')).toThrow(/options\.speakers/);
  });
});

describe("cleanFileName", () => {
  it("keeps the last path segment, without control characters, at most 512 characters", () => {
    expect(cleanFileName("C:\\Users\\me\\talk.mp4")).toBe("talk.mp4");
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName("a\u0000b\nc.mp4")).toBe("abc.mp4");
    expect(cleanFileName("x".repeat(600))).toHaveLength(512);
    expect(cleanFileName(undefined)).toBe("upload");
    expect(cleanFileName("dir/")).toBe("upload");
  });
});
