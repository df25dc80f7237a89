import { describe, expect, it } from "vitest";
import { formatClock, formatTimestampMs, parseTimestampMs } from "./timecode.ts";

describe("timecodes", () => {
  it("formats SubRip and WebVTT timestamps", () => {
    expect(formatTimestampMs(3_723_456, ",")).toBe("01:02:03,456");
    expect(formatTimestampMs(999.6, ".")).toBe("00:00:01.000");
    expect(formatTimestampMs(-5, ".")).toBe("00:00:00.000");
  });

  it("formats reading clocks", () => {
    expect(formatClock(65.9)).toBe("01:05");
    expect(formatClock(3725)).toBe("1:02:05");
  });

  it("parses what it formats and rejects malformed stamps", () => {
    expect(parseTimestampMs("01:02:03,456", ",")).toBe(3_723_456);
    expect(parseTimestampMs("02:03.456", ".", true)).toBe(123_456);
    expect(parseTimestampMs("02:03.456", ".")).toBeNull();
    expect(parseTimestampMs("00:61:00,000", ",")).toBeNull();
    expect(parseTimestampMs("00:00:00.000", ",")).toBeNull();
  });
});
