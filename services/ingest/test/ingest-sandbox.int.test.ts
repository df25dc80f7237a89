import { execFileSync } from "node:child_process";
import { closeSync, constants, createReadStream, openSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { makeSilenceWav } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./ingest-harness.ts";

/**
 * What a media tool can see when ingest spawns it: run through a wrapper that records its
 * identity, its environment and what it can reach, then execs the real tool (so ingest still
 * succeeds). The service's secrets are planted in this process's environment first. The report
 * goes through a named pipe, so it is not a file the tool writes under its file-size limit.
 */
const SECRETS = {
  JWT_SECRET: "jwt-secret-planted-by-the-sandbox-test",
  ADMIN_PASSWORD: "admin-password-planted-by-the-sandbox-test",
  NATS_PASSWORD: "nats-password-planted-by-the-sandbox-test",
  OPENAI_API_KEY: "sk-planted-by-the-sandbox-test",
};
const root = process.getuid?.() === 0;

let h: Harness;
let spy: string;
let secretFile: string;
const reported = new Map<string, Promise<string>>();
beforeAll(async () => {
  Object.assign(process.env, SECRETS);
  // Made before the harness moves TMPDIR; open so the unprivileged tool can leave its report.
  spy = await mkdtemp(join(tmpdir(), "mp4t-sandbox-"));
  await chmod(spy, 0o1777); // sticky, as /tmp: the tool may add its report but not replace our wrapper
  h = await startHarness();
  // A secret kept as DATA_DIR keeps it: 0600, owned by the service, in a directory anyone may list.
  secretFile = join(spy, "jwt-secret");
  await writeFile(secretFile, SECRETS.JWT_SECRET, { mode: 0o600 });
  for (const tool of ["ffmpeg"]) {
    const report = join(spy, `${tool}.report`);
    execFileSync("mkfifo", ["-m", "0666", report]);
    reported.set(
      tool,
      new Promise((resolve, reject) => {
        let text = "";
        createReadStream(report, { encoding: "utf8" })
          .on("data", (d) => (text += d))
          .on("end", () => resolve(text))
          .on("error", reject);
      }),
    );
    reported.get(tool)!.catch(() => undefined); // awaited by the test; a stream error must not go unhandled before then
    await writeFile(
      join(spy, `${tool}.sh`),
      [
        "#!/bin/sh",
        `{ echo "uid=$(id -u) gid=$(id -g) groups=$(id -G)"; echo "cwd=$(pwd)"; echo "fsize=$(ulimit -f)"; echo "nice=$(sed 's/.*) //' /proc/self/stat | cut -d' ' -f17)"; env | sed 's/^/env:/';`,
        `  cat ${secretFile} >/dev/null 2>&1 && echo "secret=read" || echo "secret=denied";`,
        `  ls ${h.scratchRoot} >/dev/null 2>&1 && echo "scratch=listed" || echo "scratch=denied";`,
        `  head -c 4 /proc/self/fd/3 >/dev/null 2>&1 && echo "upload=read" || echo "upload=denied"; } > ${report}`,
        `exec ${tool} "$@"`,
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
  }
});
afterAll(async () => {
  for (const k of Object.keys(SECRETS)) delete process.env[k];
  // A report never written (the test failed before its tool ran): a writer opened and closed ends its reader.
  for (const tool of reported.keys()) {
    try {
      closeSync(openSync(join(spy, `${tool}.report`), constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      /* ENXIO: no reader waits any more */
    }
  }
  await h?.close();
  if (spy) await rm(spy, { recursive: true, force: true });
});

describe("media tools run with the least rights that work", () => {
  it("ffmpeg runs unprivileged, at a lower CPU priority, with no secrets, and reaches the upload and nothing else of ours", async () => {
    const ref = await h.newJob(await makeSilenceWav(join(h.mediaDir, "quiet.wav"), 1));
    await h.ingest(ref, {
      ffmpeg: { ffmpegBin: join(spy, "ffmpeg.sh"), probeTimeoutMs: 30_000, runAs: { uid: 65534, gid: 65534, nice: 10 } },
    });
    expect((await h.jobs.getJob(ref))!.stages.ingest?.status).toBe("done");

    for (const tool of ["ffmpeg"]) {
      const report = await reported.get(tool)!;
      expect(report, `${tool} ran through the wrapper`).toMatch(/^uid=/);
      const ownUid = process.getuid!();
      expect(report).toMatch(root ? /^uid=65534 gid=65534 groups=65534$/m : new RegExp(`^uid=${ownUid} `, "m"));
      expect(report).toMatch(/^cwd=\/$/m);
      // Its CPU priority lowered by the setting (MEDIA_NICE, 10 by default) below this process's.
      expect(report).toMatch(new RegExp(`^nice=${Math.min(19, getPriority() + 10)}$`, "m"));
      for (const value of Object.values(SECRETS)) expect(report).not.toContain(value);
      const names = report
        .split("\n")
        .filter((l) => l.startsWith("env:"))
        .map((l) => l.slice(4).split("=")[0])
        .sort();
      expect(names.filter((n) => !["PWD", "SHLVL", "_"].includes(n!))).toEqual(["LC_ALL", "PATH"]);
      expect(report).toMatch(/^upload=read$/m);
      // The largest file it may write (sh counts 512-byte blocks): the audio of the duration limit
      // and a second (ingest-harness's limit), not "unlimited".
      const fsize = /^fsize=(.*)$/m.exec(report)?.[1];
      expect(Number(fsize) * 512).toBeGreaterThan(32_000);
      if (root) {
        expect(report).toMatch(/^secret=denied$/m);
        expect(report).toMatch(/^scratch=denied$/m);
      }
    }
  });
});
