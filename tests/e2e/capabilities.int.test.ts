import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WHISPER_LANGUAGES, type Capabilities, type Job, type Transcript } from "@mp4t/contracts";
import { makeSilenceMp4, makeTruncatedMp4, makeTwoVoiceMp4, normaliseWords, pollUntil, startFakeOpenAi, type FakeOpenAiServer } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, login, startSystem, untilEnded, type RunningSystem } from "./system.ts";

/**
 * Capabilities, option refusals, audio tracks, no-speech and failure messages against the running
 * system (every service a real process): PocketSphinx with Debian's en-us model as the default
 * engine, an OpenAI-compatible engine configured on the local fake server, the local enhancer.
 */
let sys: RunningSystem;
let fake: FakeOpenAiServer;
let dir: string;
let token: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mp4t-caps-"));
  fake = await startFakeOpenAi({ transcript: "bonjour tout le monde" });
  sys = await startSystem({ OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: fake.apiKey });
  await api(sys.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email: "caps@e2e.test", password: "caps e2e password" }) });
  token = await login(sys.url, "caps@e2e.test", "caps e2e password");
}, 120_000);
afterAll(async () => {
  const code = await sys?.stop();
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
  expect(code).toBe(0);
}, 60_000);

type Refusal = { error: { code: string; message: string; details?: { option: string; value: unknown; available: unknown[] } } };

async function upload(path: string, options?: Record<string, unknown>) {
  const form = new FormData();
  if (options) form.append("options", JSON.stringify(options));
  form.append("file", new Blob([await readFile(path)]), path.split("/").at(-1)!);
  return api<Job & Refusal>(sys.url, "/v1/jobs", { method: "POST", body: form, token });
}

async function completed(path: string, options?: Record<string, unknown>) {
  const r = await upload(path, options);
  expect(r.status, r.text).toBe(202);
  const job = await untilEnded(sys, token, r.body.id);
  expect(job.status, JSON.stringify(job.error)).toBe("completed");
  const t = await api<Transcript>(sys.url, `/v1/jobs/${job.id}/transcript?format=json`, { token });
  expect(t.status).toBe(200);
  return { job, transcript: t.body };
}

describe("what this deployment supports", () => {
  it("GET /v1/capabilities lists the engines the transcriber configured, with their real languages", async () => {
    // Workers register as they start; the gateway's reading is cached for a few seconds.
    const caps = await pollUntil(
      async () => (await api<Capabilities>(sys.url, "/v1/capabilities", { token })).body,
      (c) => c.engines?.length === 2 && c.limits?.maxDurationSec !== null && c.enhancements?.summary && c.diarization?.available,
      "every worker's capabilities",
      30_000,
    );
    expect(caps.engines).toEqual([
      { id: "pocketsphinx", default: true, languages: ["en-us"], wordTimestamps: true, speakers: false },
      { id: "openai", default: false, languages: [...WHISPER_LANGUAGES], wordTimestamps: true, speakers: false },
    ]);
    expect(caps.diarization).toEqual({ available: true, maxSpeakers: 20 });
    expect(caps.enhancements).toEqual({ summary: true, notes: true, cleanText: true, translate: { available: false, languages: [] } });
    expect(caps.limits).toEqual({ maxUploadBytes: 2 * 1024 ** 3, maxDurationSec: 4 * 3600, maxActiveJobs: 50 });
  });

  it("refuses at once what it cannot serve, naming the option and what is available", async () => {
    const silence = await makeSilenceMp4(join(dir, "refused.mp4"), 1);
    const french = await upload(silence, { language: "fr" });
    expect(french.status, french.text).toBe(400);
    expect(french.body.error).toMatchObject({ code: "OPTION_UNSUPPORTED", details: { option: "language", value: "fr", available: ["en-us"] } });
    const translate = await upload(silence, { enhance: ["translate:de"] });
    expect(translate.body.error).toMatchObject({ code: "OPTION_UNSUPPORTED", details: { option: "enhance", value: "translate:de" } });
    const jobs = await api<{ items: Job[] }>(sys.url, "/v1/jobs", { token });
    expect(jobs.body.items).toEqual([]);
  });

  it("serves French with the configured OpenAI-compatible engine", async () => {
    const { transcript } = await completed(await makeSilenceMp4(join(dir, "fr.mp4"), 2), { language: "fr", engine: "openai" });
    expect(normaliseWords(transcript.text)).toEqual(["bonjour", "tout", "le", "monde"]);
    expect(fake.requests.at(-1)).toMatchObject({ model: "whisper-1", language: "fr" });
  });
});

describe("audio tracks", () => {
  it("transcribes the track asked for (the second voice), and says which was used when there was a choice", async () => {
    const two = await makeTwoVoiceMp4(join(dir, "two-voices.mp4"));
    const second = await completed(two.path, { audioTrack: 1, diarize: false });
    expect(second.job.media).toMatchObject({
      audioTrack: 1,
      audioTracks: [
        { index: 0, codec: "aac" },
        { index: 1, codec: "aac" },
      ],
    });
    expect(second.job.notices).toBeUndefined();
    const words = normaliseWords(second.transcript.text);
    const share = (text: string) => words.filter((w) => normaliseWords(text).includes(w)).length / Math.max(1, words.length);
    expect(share(two.texts[1]), second.transcript.text).toBeGreaterThan(0.5);
    expect(share(two.texts[1])).toBeGreaterThan(share(two.texts[0]));

    const first = await completed(two.path, { engine: "openai", diarize: false });
    expect(first.job.media?.audioTrack).toBe(0);
    expect(first.job.notices).toEqual([{ code: "SEVERAL_AUDIO_TRACKS", message: expect.stringContaining("track 0 was transcribed") }]);
  }, 180_000);
});

describe("no speech, and failures in our words", () => {
  it("a recording of silence completes with noSpeech and a NO_SPEECH notice, in the job and the transcript", async () => {
    const { job, transcript } = await completed(await makeSilenceMp4(join(dir, "silence.mp4"), 3));
    expect(job.noSpeech).toBe(true);
    expect(job.notices).toEqual([{ code: "NO_SPEECH", message: expect.any(String) }]);
    expect(transcript).toMatchObject({ noSpeech: true, text: "", segments: [] });
  });

  it("a truncated MP4 fails with our message, not ffmpeg's", async () => {
    const r = await upload(await makeTruncatedMp4(join(dir, "truncated.mp4")));
    const job = await untilEnded(sys, token, r.body.id);
    expect(job.error).toEqual({ code: "MEDIA_UNREADABLE", message: "the file is not audio or video we can read (corrupt, truncated or not media)" });
  });

  it("a provider's refusal fails the job with our sentence; its own words stay in the logs", async () => {
    fake.fail({ kind: "unauthorized" });
    const r = await upload(await makeSilenceMp4(join(dir, "rejected.mp4"), 1), { engine: "openai" });
    const job = await untilEnded(sys, token, r.body.id);
    expect(job.error?.code).toBe("ENGINE_REJECTED");
    expect(job.error?.message).toMatch(/^The transcription engine refused the request/);
    expect(job.error?.message).not.toMatch(/Incorrect API key|401|openai/);
  });
});
