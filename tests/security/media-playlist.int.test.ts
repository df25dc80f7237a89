import { execFileSync } from "node:child_process";
import { constants, openSync } from "node:fs";
import { Socket } from "node:net";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job } from "@mp4t/contracts";
import { makeReferenceAttacks, type ReferenceAttackKit } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, login, startSystem, type RunningSystem, untilEnded } from "../e2e/system.ts";

/**
 * Issue 17, "an uploaded HLS playlist reads local files", against the running system (`npm
 * start`: real gateway, ingest, transcriber, janitor, nats-server, ffmpeg). A marker file and a
 * recording that speaks known words sit on the server's disk, world-readable; playlists, manifests
 * and concat scripts pointing at them are uploaded as `innocent.mp4`. Each job must fail with
 * MEDIA_REFERENCE_NOT_ALLOWED and nothing of those files may come back: not in any transcript
 * format, the job record or its events. The media tools are wrapped to record their uid and
 * environment: no secret of the services may reach them.
 */
const FORMATS = ["json", "txt", "srt", "vtt", "md"] as const;
const SECRETS = { JWT_SECRET: "jwt-secret-of-the-media-security-test-0123456789abcdef", ADMIN_PASSWORD: "admin-password-of-the-media-security-test" };

let sys: RunningSystem;
let dir: string;
let spy: string;
let kit: ReferenceAttackKit;
let token: string;

/**
 * The tool writes no file but its audio (under its file-size limit), so each run's report goes through
 * a named pipe, one printf (one write, under PIPE_BUF: runs at once do not interleave) ending in
 * a record separator; `collectReports` reads the pipe until the test ends.
 */
async function wrapper(tool: string) {
  const path = join(spy, `${tool}.sh`);
  const report = `tool=${tool}\nuid=$(id -u)\nargs=$*\n$(env | sed 's/^/env:/')`;
  await writeFile(path, ["#!/bin/sh", `printf '%s\\n\\036' "${report}" > ${spy}/reports`, `exec ${tool} "$@"`, ""].join("\n"), { mode: 0o755 });
  return path;
}

function collectReports(fifo: string) {
  execFileSync("mkfifo", ["-m", "0666", fifo]);
  // Held open for reading and writing: never at end of file, so no report is lost between reads
  // and no writer meets a pipe without a reader.
  const pipe = new Socket({ fd: openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK), readable: true, writable: false });
  let text = "";
  pipe.setEncoding("utf8");
  pipe.on("data", (d: string) => (text += d));
  return {
    reports: () => text.split("\x1e").filter((r) => r.trim()),
    stop: () => void pipe.destroy(),
  };
}
let collected: ReturnType<typeof collectReports> | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mp4t-media-sec-"));
  await chmod(dir, 0o755); // the secret files are world-readable on purpose
  spy = await mkdtemp(join(tmpdir(), "mp4t-media-spy-"));
  await chmod(spy, 0o1777); // sticky, as /tmp: the tool may open the report pipe but not replace our wrapper
  collected = collectReports(join(spy, "reports"));
  kit = await makeReferenceAttacks(join(dir, "srv"), join(dir, "uploads"));
  sys = await startSystem({ ...SECRETS, FFMPEG_BIN: await wrapper("ffmpeg") });
  const user = { email: "media@security.test", password: "a long media security password" };
  const reg = await api(sys.url, "/v1/auth/register", { method: "POST", body: JSON.stringify(user) });
  token = reg.status < 300 ? await login(sys.url, user.email, user.password) : await login(sys.url, sys.admin.email, sys.admin.password);
}, 180_000);
afterAll(async () => {
  const code = await sys?.stop();
  collected?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  if (spy) await rm(spy, { recursive: true, force: true });
  expect(code).toBe(0);
}, 60_000);

async function upload(path: string, name: string) {
  const form = new FormData();
  form.append("options", JSON.stringify({ language: "en" }));
  form.append("file", new Blob([new Uint8Array(await readFile(path))]), name);
  const r = await api<Job>(sys.url, "/v1/jobs", { method: "POST", body: form, token });
  expect(r.status, r.text).toBe(202);
  return r.body.id;
}

const finished = (id: string) => untilEnded(sys, token, id);

/** Everything the uploader can read about a job: record, events, every transcript format. */
async function everythingAbout(id: string): Promise<string> {
  const out = [(await api(sys.url, `/v1/jobs/${id}`, { token })).text, (await api(sys.url, `/v1/jobs/${id}/events`, { token })).text];
  for (const f of FORMATS) out.push((await api(sys.url, `/v1/jobs/${id}/transcript?format=${f}`, { token })).text);
  return out.join("\n");
}

describe("playlists and reference files uploaded as media", () => {
  it("each fails with MEDIA_REFERENCE_NOT_ALLOWED and nothing of the server's files comes back", async () => {
    const ids = new Map<string, string>();
    for (const a of kit.attacks) ids.set(a.name, await upload(a.path, "innocent.mp4"));
    for (const [name, id] of ids) {
      const job = await finished(id);
      expect(job.status, `${name}: ${JSON.stringify(job)}`).toBe("failed");
      expect(job.error?.code, name).toBe("MEDIA_REFERENCE_NOT_ALLOWED");
      expect(job.error?.message, name).not.toMatch(/ffprobe|ffmpeg|@ 0x|\/proc\/|\/tmp\//);
      for (const f of FORMATS) {
        const t = await api<{ error: { code: string } }>(sys.url, `/v1/jobs/${id}/transcript?format=${f}`, { token });
        expect(t.status, `${name} ${f}`).toBe(409);
      }
      const seen = (await everythingAbout(id)).toLowerCase();
      expect(seen, name).toContain("media_reference_not_allowed"); // the events were read
      expect(seen, name).not.toContain(kit.marker.toLowerCase());
      for (const w of kit.spokenWords) expect(seen, `${name}: "${w}"`).not.toContain(w);
    }
  });

  it("the secret recording itself, uploaded as what it is, is transcribed: the words are recognisable", async () => {
    const job = await finished(await upload(kit.secretAudio.mp3, "secret.mp3"));
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    const text = (await api(sys.url, `/v1/jobs/${job.id}/transcript?format=txt`, { token })).text.toLowerCase();
    expect(kit.spokenWords.filter((w) => text.includes(w)).length, text).toBeGreaterThanOrEqual(2);
  });

  it("ffmpeg ran without the services' secrets, and not as root when the system runs as root", async () => {
    const reports = collected!.reports();
    // Runs on jobs, not only ingest's start check (`-version`).
    const onJobs = (tool: string) => reports.some((r) => r.startsWith(`tool=${tool}\n`) && !/^args=-version$/m.test(r));
    expect(onJobs("ffmpeg")).toBe(true);
    for (const r of reports) {
      expect(r).toMatch(/^tool=ffmpeg\nuid=\d+\n/); // whole: not two runs' reports mixed
      for (const v of Object.values(SECRETS)) expect(r).not.toContain(v);
      expect(r).not.toMatch(/^env:(JWT_SECRET|ADMIN_PASSWORD|NATS_URL|NATS_PASSWORD|OPENAI_API_KEY|HF_TOKEN)=/m);
      if (process.getuid?.() === 0) expect(r).toMatch(/^uid=65534$/m);
    }
  });
});
