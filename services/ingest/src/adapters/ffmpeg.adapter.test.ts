import { describe, expect, it } from "vitest";
import { PCM_16K_MONO } from "../wav-header.writer.ts";
import { decodeArgs } from "./ffmpeg.adapter.ts";

const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe("decodeArgs", () => {
  const mov = decodeArgs({ demuxer: "mov", format: PCM_16K_MONO, maxSec: 60 });
  const wav = decodeArgs({ demuxer: "wav", format: PCM_16K_MONO, maxSec: 60 });

  it("reads only the descriptor it is handed, through the file protocol alone", () => {
    expect(argAfter(mov, "-i")).toBe("file:/proc/self/fd/3");
    expect(argAfter(mov, "-protocol_whitelist")).toBe("file");
  });

  it("names the probed demuxer before the input, inside the allow-list, so ffmpeg guesses nothing", () => {
    const input = mov.indexOf("-i");
    expect(mov.indexOf("-f")).toBeLessThan(input);
    expect(argAfter(mov, "-f")).toBe("mov");
    expect(argAfter(mov, "-format_whitelist")!.split(",")).toEqual(expect.arrayContaining(["mov", "matroska", "mp3", "wav"]));
    expect(argAfter(mov, "-format_whitelist")).not.toMatch(/hls|concat|dash|image2/);
  });

  it("turns off mov's external data references, and passes that option to mov alone (ffmpeg refuses it elsewhere)", () => {
    expect(argAfter(mov, "-enable_drefs")).toBe("0");
    expect(mov.indexOf("-enable_drefs")).toBeLessThan(mov.indexOf("-i"));
    expect(wav).not.toContain("-enable_drefs");
  });
});
