import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { librivoxClips } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPocketsphinxEngine } from "../src/adapters/pocketsphinx.adapter.ts";
import { chunkWavFile } from "../src/chunk-wav.ts";

/** The recogniser runs through a wrapper that records who it is and what it was given. */
const SECRET = "jwt-secret-planted-by-the-pocketsphinx-sandbox-test";
const root = process.getuid?.() === 0;
let tmp: string;
let spy: string;
let scratch: string;
beforeAll(async () => {
  process.env.JWT_SECRET = SECRET;
  // A TMPDIR of this file's own, private to root as the test harnesses' are (the unprivileged
  // recogniser cannot search it), so its leftovers can be counted exactly.
  spy = await mkdtemp(join(tmpdir(), "mp4t-ps-spy-"));
  await chmod(spy, 0o1777); // sticky, as /tmp: the tool may add its report but not replace our wrapper
  tmp = await mkdtemp(join(tmpdir(), "mp4t-ps-test-"));
  process.env.TMPDIR = tmp;
  // The chunk as the transcribe handler keeps it: in a 0700 directory of the service's.
  scratch = await mkdtemp(join(tmpdir(), "scratch-"));
  await writeFile(
    join(spy, "ps.sh"),
    ["#!/bin/sh", `{ echo "uid=$(id -u) groups=$(id -G)"; env | sed 's/^/env:/'; } > ${spy}/report.$$`, 'exec pocketsphinx_continuous "$@"', ""].join("\n"),
    { mode: 0o755 },
  );
});
afterAll(async () => {
  delete process.env.JWT_SECRET;
  await rm(tmp, { recursive: true, force: true });
  await rm(spy, { recursive: true, force: true });
});

describe("pocketsphinx runs with the least rights that work", () => {
  it("as nobody when the service is root, with no secrets, on its own copy of a chunk it could not otherwise reach", async () => {
    const [clip] = await librivoxClips();
    const chunk = join(scratch, "chunk.wav");
    await writeFile(chunk, await readFile(clip!.path), { mode: 0o600 });
    const engine = createPocketsphinxEngine({ bin: join(spy, "ps.sh") });
    const words = await engine.transcribe(await chunkWavFile(chunk), { language: "en", signal: new AbortController().signal });
    expect(words.length).toBeGreaterThan(0);

    const [name] = (await readdir(spy)).filter((n) => n.startsWith("report."));
    const report = await readFile(join(spy, name!), "utf8");
    expect(report).toMatch(root ? /^uid=65534 groups=65534$/m : new RegExp(`^uid=${process.getuid!()} `, "m"));
    expect(report).not.toContain(SECRET);
    const names = report
      .split("\n")
      .filter((l) => l.startsWith("env:"))
      .map((l) => l.slice(4).split("=")[0]);
    expect(names.filter((n) => !["PWD", "SHLVL", "_"].includes(n!)).sort()).toEqual(["LC_ALL", "PATH"]);
    // Its private copy is gone with it.
    expect(await readdir(tmp)).toEqual([scratch.slice(tmp.length + 1)]);
  });
});
