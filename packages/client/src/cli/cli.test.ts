import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pickFormat } from "./commands.ts";
import { configPath, resolveCredentials, writeStored } from "./config.ts";
import { createProgress } from "./progress.ts";

const dir = await mkdtemp(join(tmpdir(), "mp4t-cli-unit-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A stderr stand-in that records what was written. */
const stream = (isTTY: boolean) => {
  const out: string[] = [];
  return { out, s: { isTTY, write: (t: string) => out.push(t) > 0 } as unknown as NodeJS.WriteStream };
};

describe("mp4t pieces", () => {
  it("draws a bar in place on a terminal, and a line per quarter elsewhere", () => {
    const tty = stream(true);
    const p = createProgress(tty.s, { quiet: false });
    p.update("Uploading a.mp4", 0.5);
    p.done();
    expect(tty.out.join("")).toBe(`Uploading a.mp4 [${"#".repeat(14)}${"-".repeat(14)}]  50%\n`);

    const log = stream(false);
    const q = createProgress(log.s, { quiet: false });
    for (const f of [0, 0.1, 0.2, 0.26, 0.5, 0.9, 1]) q.update("Uploading", f);
    expect(log.out).toEqual(["Uploading   0%\n", "Uploading  26%\n", "Uploading  50%\n", "Uploading  90%\n", "Uploading 100%\n"]);

    const quiet = stream(true);
    createProgress(quiet.s, { quiet: true }).update("x", 1);
    expect(quiet.out).toEqual([]);
  });

  it("takes the format from --format, else the output's extension, else the default", () => {
    expect(pickFormat("vtt", "out.srt", "txt")).toBe("vtt");
    expect(pickFormat(undefined, "talk.SRT", "txt")).toBe("srt");
    expect(pickFormat(undefined, "talk.out", "txt")).toBe("txt");
    expect(pickFormat(undefined, undefined, "json")).toBe("json");
    expect(() => pickFormat("docx", undefined, "txt")).toThrow(/--format docx: use one of json, txt, srt, vtt, md/);
  });

  it("reads credentials from MP4T_API_KEY before the config file, and the file under XDG_CONFIG_HOME with mode 0600", async () => {
    const env = { XDG_CONFIG_HOME: dir };
    expect(configPath(env)).toBe(join(dir, "mp4t", "config.json"));
    await expect(resolveCredentials({}, env)).rejects.toThrow(/not signed in/);
    await writeStored(configPath(env), { url: "http://stored:1/", apiKey: "mp4t_stored" });
    expect((await stat(configPath(env))).mode & 0o777).toBe(0o600);
    expect(await resolveCredentials({}, env)).toMatchObject({ url: "http://stored:1", token: "mp4t_stored" });
    expect(await resolveCredentials({ url: "http://flag:2" }, { ...env, MP4T_URL: "http://env:3", MP4T_API_KEY: "mp4t_env" })).toMatchObject({
      url: "http://flag:2",
      token: "mp4t_env",
      source: "MP4T_API_KEY",
    });
  });
});
