import { describe, expect, it } from "vitest";
import { PCM_16K_MONO } from "../wav-header.writer.ts";
import { decodeArgs, looksLikeMov } from "./ffmpeg.adapter.ts";

const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe("decodeArgs", () => {
  const mov = decodeArgs({ mov: true, mark: "f00d", format: PCM_16K_MONO, maxSec: 60 });
  const wav = decodeArgs({ mov: false, mark: "f00d", format: PCM_16K_MONO, maxSec: 60 });

  it("reads only the descriptor it is handed, through the file protocol alone", () => {
    expect(argAfter(mov, "-i")).toBe("file:/proc/self/fd/3");
    expect(argAfter(mov, "-protocol_whitelist")).toBe("file");
  });

  it("probes within the allow-list, and names mov before the input for an upload that starts as one", () => {
    const input = mov.indexOf("-i");
    expect(mov.indexOf("-f")).toBeLessThan(input);
    expect(argAfter(mov, "-f")).toBe("mov");
    expect(wav.slice(0, wav.indexOf("-i"))).not.toContain("-f");
    for (const args of [mov, wav]) {
      expect(args.indexOf("-format_whitelist")).toBeLessThan(args.indexOf("-i"));
      expect(argAfter(args, "-format_whitelist")!.split(",")).toEqual(expect.arrayContaining(["mov", "matroska", "mp3", "wav"]));
      expect(argAfter(args, "-format_whitelist")).not.toMatch(/hls|concat|dash|image2/);
    }
  });

  it("logs at the level that lists the streams and mov's warnings, without progress lines", () => {
    expect(argAfter(wav, "-v")).toBe("info");
    expect(wav).toContain("-nostats");
  });

  it("gives the output none of the upload's metadata, only the run's mark, after the input", () => {
    expect(argAfter(wav, "-map_metadata")).toBe("-1");
    expect(argAfter(wav, "-map_chapters")).toBe("-1");
    expect(argAfter(wav, "-metadata")).toBe("mp4t_run=f00d");
    expect(wav.indexOf("-metadata")).toBeGreaterThan(wav.indexOf("-map_metadata"));
  });

  it("turns off mov's external data references, and passes that option to mov alone (ffmpeg refuses it elsewhere)", () => {
    expect(argAfter(mov, "-enable_drefs")).toBe("0");
    expect(mov.indexOf("-enable_drefs")).toBeLessThan(mov.indexOf("-i"));
    expect(wav).not.toContain("-enable_drefs");
  });
});

describe("looksLikeMov", () => {
  const head = (box: string) => Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from(box, "latin1"), Buffer.alloc(16)]);

  it("knows an ISO or QuickTime file by its first box", () => {
    for (const box of ["ftyp", "moov", "mdat", "free", "wide", "junk", "styp"]) expect(looksLikeMov(head(box)), box).toBe(true);
  });

  it("leaves everything else to ffmpeg's probe", () => {
    expect(looksLikeMov(Buffer.from("RIFF\x24\0\0\0WAVEfmt ", "latin1"))).toBe(false);
    expect(looksLikeMov(Buffer.from("ID3\x04\0\0\0\0\0\0", "latin1"))).toBe(false);
    expect(looksLikeMov(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0]))).toBe(false); // Matroska
    expect(looksLikeMov(head("ftyp").subarray(0, 7))).toBe(false);
  });
});
