import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job } from "@mp4t/contracts";
import { LIBRIVOX_DIR, makeRandomBytes, makeSilenceMp4, makeSilenceWav, makeTruncatedMp4, makeVideoWithoutAudio } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, login, startSystem, type RunningSystem, untilEnded } from "../e2e/system.ts";

/**
 * Bad input against the running system (every service a real process): each bad request is a 4xx
 * with `{error: {code, message}}`, each bad file a job that fails with its specific code; nothing
 * is a 5xx, nothing is left queued or processing, and a good job still completes afterwards.
 */
const MAX_UPLOAD_BYTES = 1_000_000;
const CLIP = join(LIBRIVOX_DIR, "sense_and_sensibility_01_austen_64kb-0880.wav");

let sys: RunningSystem;
let dir: string;
let token: string;
const created: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mp4t-bad-"));
  sys = await startSystem({ MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) });
  await api(sys.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email: "bad@input.test", password: "bad input password" }) });
  token = await login(sys.url, "bad@input.test", "bad input password");
}, 120_000);
afterAll(async () => {
  const code = await sys?.stop();
  await rm(dir, { recursive: true, force: true });
  expect(code).toBe(0);
}, 60_000);

/** POST /v1/jobs with the given parts, as a browser or curl would send them. */
async function upload(parts: { options?: string; file?: { bytes: Uint8Array; name: string } }) {
  const form = new FormData();
  if (parts.options !== undefined) form.append("options", parts.options);
  if (parts.file) form.append("file", new Blob([parts.file.bytes]), parts.file.name);
  const r = await api<Job & { error?: { code: string; message: string } }>(sys.url, "/v1/jobs", { method: "POST", body: form, token });
  if (r.status === 202) created.push(r.body.id);
  return r;
}

const file = async (path: string, name = path.split("/").at(-1)!) => ({ bytes: new Uint8Array(await readFile(path)), name });

const finished = (id: string) => untilEnded(sys, token, id);

describe("bad requests: 4xx with a stable code, never a 5xx", () => {
  it.each([
    ["malformed options JSON", { options: "{language: en", withFile: true }, 400, "INVALID_JSON"],
    ["unknown option fields", { options: JSON.stringify({ language: "en", colour: "blue" }), withFile: true }, 400, "VALIDATION_FAILED"],
    ["wrong option types", { options: JSON.stringify({ diarize: "yes", speakers: "two" }), withFile: true }, 400, "VALIDATION_FAILED"],
    ["no file part", { options: JSON.stringify({ language: "en" }), withFile: false }, 400, "FILE_MISSING"],
  ] as const)("%s", async (_name, req, status, code) => {
    const r = await upload({ options: req.options, ...(req.withFile ? { file: await file(CLIP) } : {}) });
    expect(r.status, r.text).toBe(status);
    expect(r.body.error).toMatchObject({ code, message: expect.any(String) });
  });

  it("an empty file is 400 FILE_EMPTY", async () => {
    const r = await upload({ file: { bytes: new Uint8Array(0), name: "empty.mp4" } });
    expect(r.status, r.text).toBe(400);
    expect(r.body.error?.code).toBe("FILE_EMPTY");
  });

  it("an upload over MAX_UPLOAD_BYTES is 413 FILE_TOO_LARGE", async () => {
    const path = await makeRandomBytes(join(dir, "big.mp4"), MAX_UPLOAD_BYTES + 200_000);
    const r = await upload({ file: await file(path) });
    expect(r.status, r.text).toBe(413);
    expect(r.body.error?.code).toBe("FILE_TOO_LARGE");
  });

  it("a malformed JSON body elsewhere in the API is 400 INVALID_JSON", async () => {
    const r = await api<{ error: { code: string } }>(sys.url, "/v1/auth/login", { method: "POST", body: '{"email": ' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("INVALID_JSON");
  });
});

describe("bad files: accepted, then the job fails with the specific code", () => {
  /** A WAV whose format tag names no codec ffmpeg knows. */
  async function unknownCodecWav() {
    const wav = new Uint8Array(await readFile(await makeSilenceWav(join(dir, "pcm.wav"), 1)));
    const fmt = Buffer.from(wav).indexOf("fmt ");
    wav[fmt + 8] = 0xff;
    wav[fmt + 9] = 0x3f; // format tag 0x3fff
    const path = join(dir, "unknown-codec.wav");
    await writeFile(path, wav);
    return path;
  }

  it.each([
    ["random bytes named .mp4", () => makeRandomBytes(join(dir, "noise.mp4")), "MEDIA_UNREADABLE"],
    [
      "a text file named .wav",
      async () => (await writeFile(join(dir, "notes.wav"), "not audio at all\n".repeat(100)), join(dir, "notes.wav")),
      "MEDIA_UNREADABLE",
    ],
    ["a video without audio", () => makeVideoWithoutAudio(join(dir, "no-audio.mp4")), "MEDIA_NO_AUDIO"],
    ["a truncated MP4", () => makeTruncatedMp4(join(dir, "truncated.mp4")), "MEDIA_UNREADABLE"],
    ["an audio codec ffmpeg cannot decode", unknownCodecWav, "MEDIA_UNSUPPORTED_CODEC"],
  ] as const)("%s", async (_name, make, code) => {
    const r = await upload({ file: await file(await make()) });
    expect(r.status, r.text).toBe(202);
    const job = await finished(r.body.id);
    expect(job.status, JSON.stringify(job)).toBe("failed");
    expect(job.error?.code).toBe(code);
    expect(job.error?.message, "no server paths in errors users see").not.toMatch(/\/tmp\/|mp4t-[A-Za-z0-9]{6}/);
    const t = await api<{ error: { code: string } }>(sys.url, `/v1/jobs/${job.id}/transcript`, { token });
    expect(t.status).toBe(409);
    expect(t.body.error.code).toBe("TRANSCRIPT_NOT_READY");
  });

  it("silence only completes with an empty transcript", async () => {
    const r = await upload({ file: await file(await makeSilenceMp4(join(dir, "silence.mp4"), 3)) });
    expect(r.status, r.text).toBe(202);
    const job = await finished(r.body.id);
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    const t = await api<{ text: string; segments: unknown[] }>(sys.url, `/v1/jobs/${job.id}/transcript?format=json`, { token });
    expect(t.status).toBe(200);
    expect(t.body.text).toBe("");
    expect(t.body.segments).toEqual([]);
  });
});

describe("a burst of users' mistakes", () => {
  it("fails each job with its code, adds no dead letter and leaves the system HEALTHY", async () => {
    const admin = await login(sys.url, sys.admin.email, sys.admin.password);
    const letters = async () => (await api<{ items: unknown[] }>(sys.url, "/v1/admin/dead-letters?limit=100", { token: admin })).body.items.length;
    const before = await letters();
    const noise = await file(await makeRandomBytes(join(dir, "burst.mp4")));
    const speech = await file(CLIP);
    const burst = Array.from({ length: 6 }, () => ({ file: noise, code: "MEDIA_UNREADABLE" }));
    // Options this deployment cannot serve are refused at once (pocketsphinx here: English only; no such engine).
    const refused = [
      { options: JSON.stringify({ language: "de" }), file: speech },
      { options: JSON.stringify({ engine: "no-such-engine" }), file: speech },
    ];
    const [ids, answers] = await Promise.all([
      Promise.all(
        burst.map(async (b) => {
          const r = await upload(b);
          expect(r.status, r.text).toBe(202);
          return r.body.id;
        }),
      ),
      Promise.all(refused.map((b) => upload(b))),
    ]);
    for (const r of answers) expect([r.status, r.body.error?.code], r.text).toEqual([400, "OPTION_UNSUPPORTED"]);
    for (const [i, id] of ids.entries()) {
      const job = await finished(id);
      expect([job.status, job.error?.code]).toEqual(["failed", burst[i]!.code]);
    }
    expect(await letters()).toBe(before);
    const health = await api<{ status: string; problems: string[]; successRate: number | null; tasks: { deadLettered: number } }>(sys.url, "/v1/admin/health", {
      token: admin,
    });
    expect(health.status).toBe(200);
    expect(health.body, JSON.stringify(health.body)).toMatchObject({ status: "healthy", problems: [], tasks: { deadLettered: 0 } });
  });
});

describe("after all of that", () => {
  it("a good job still completes, nothing is stuck, and the gateway answered no 5xx", async () => {
    const r = await upload({ options: JSON.stringify({ language: "en" }), file: await file(CLIP) });
    expect(r.status, r.text).toBe(202);
    const job = await finished(r.body.id);
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    const txt = await api(sys.url, `/v1/jobs/${job.id}/transcript?format=txt`, { token });
    expect(txt.text.trim().length).toBeGreaterThan(0);

    const list = await api<{ items: Job[] }>(sys.url, "/v1/jobs?limit=100", { token });
    expect(list.body.items.map((j) => j.id).sort()).toEqual([...created].sort());
    expect(list.body.items.filter((j) => j.status === "queued" || j.status === "processing")).toEqual([]);

    const admin = await login(sys.url, sys.admin.email, sys.admin.password);
    const services = await api<{ name: string; stats: { http?: { serverErrors: number; clientErrors: number } } | null }[]>(sys.url, "/v1/admin/services", {
      token: admin,
    });
    const gateway = services.body.find((s) => s.name === "gateway");
    expect(gateway?.stats?.http?.clientErrors).toBeGreaterThanOrEqual(7);
    expect(gateway?.stats?.http?.serverErrors).toBe(0);
  });
});
