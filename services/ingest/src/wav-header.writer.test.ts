import { describe, expect, it } from "vitest";
import { WAV_HEADER_BYTES, wavHeader } from "./wav-header.writer.ts";

describe("wavHeader", () => {
  it("writes a canonical 44-byte PCM header for 16 kHz mono 16-bit", () => {
    const h = wavHeader(32_000);
    expect(h.length).toBe(WAV_HEADER_BYTES);
    expect(h.toString("ascii", 0, 4)).toBe("RIFF");
    expect(h.readUInt32LE(4)).toBe(36 + 32_000);
    expect(h.toString("ascii", 8, 16)).toBe("WAVEfmt ");
    expect(h.readUInt32LE(16)).toBe(16);
    expect(h.readUInt16LE(20)).toBe(1);
    expect(h.readUInt16LE(22)).toBe(1);
    expect(h.readUInt32LE(24)).toBe(16_000);
    expect(h.readUInt32LE(28)).toBe(32_000);
    expect(h.readUInt16LE(32)).toBe(2);
    expect(h.readUInt16LE(34)).toBe(16);
    expect(h.toString("ascii", 36, 40)).toBe("data");
    expect(h.readUInt32LE(40)).toBe(32_000);
  });

  it("derives byte rate and block align from other formats", () => {
    const h = wavHeader(0, { sampleRate: 44_100, channels: 2, bitsPerSample: 16 });
    expect(h.readUInt32LE(28)).toBe(176_400);
    expect(h.readUInt16LE(32)).toBe(4);
    expect(h.readUInt32LE(40)).toBe(0);
  });

  it("refuses sizes a WAV cannot describe", () => {
    expect(() => wavHeader(-1)).toThrow(RangeError);
    expect(() => wavHeader(1.5)).toThrow(RangeError);
    expect(() => wavHeader(2 ** 32)).toThrow(RangeError);
  });
});
