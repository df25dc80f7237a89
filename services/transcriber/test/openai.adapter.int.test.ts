import { startFakeOpenAi, type FakeOpenAiServer } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAiEngine } from "../src/adapters/openai.adapter.ts";
import { chunkWavFile } from "../src/chunk-wav.ts";

const CLIP = "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav"; // 7.1 s
const TEXT = "and the whole of his fortune was settled on his son";

let fake: FakeOpenAiServer;
beforeAll(async () => {
  fake = await startFakeOpenAi({ transcript: TEXT, wordsPerSpeaker: 4 });
});
afterAll(async () => {
  await fake.close();
});

const engine = (model: string, over: { apiKey?: string; timeoutMs?: number; maxUploadBytes?: number; organization?: string; project?: string } = {}) =>
  createOpenAiEngine({
    apiKey: over.apiKey ?? fake.apiKey,
    baseURL: fake.baseURL,
    organization: over.organization,
    project: over.project,
    model,
    timeoutMs: over.timeoutMs ?? 10_000,
    maxUploadBytes: over.maxUploadBytes ?? 25 * 1024 * 1024,
  });
const go = async (model: string, over = {}, language = "en-GB") =>
  engine(model, over).transcribe(await chunkWavFile(CLIP), { language, signal: new AbortController().signal });

describe("openai engine: success", () => {
  it("asks whisper-1 for verbose_json with word and segment times and keeps the word times", async () => {
    const words = await go("whisper-1");
    const req = fake.requests.at(-1)!;
    expect(req).toMatchObject({ model: "whisper-1", responseFormat: "verbose_json", language: "en", fileName: "chunk.wav" });
    expect(req.granularities.sort()).toEqual(["segment", "word"]);
    // The form goes from its pieces with its length (multipartBody through nodeFetch), not as a stream of unknown length.
    expect(req.contentLength).toBeGreaterThan(req.fileBytes);
    expect(words.map((w) => w.word).join(" ")).toBe(TEXT);
    expect(words[0]!.start).toBe(0);
    expect(words.at(-1)!.end).toBeGreaterThan(6);
    expect(words.every((w, i) => i === 0 || w.start >= words[i - 1]!.start)).toBe(true);
  });

  it("sends OpenAI's account headers only when an organization or project is configured", async () => {
    await go("whisper-1");
    expect(fake.requests.at(-1)).not.toHaveProperty("organization");
    expect(fake.requests.at(-1)).not.toHaveProperty("project");
    await go("whisper-1", { organization: "org-Abc123", project: "proj_Xyz789" });
    expect(fake.requests.at(-1)).toMatchObject({ organization: "org-Abc123", project: "proj_Xyz789" });
  });

  it("spreads gpt-4o-transcribe's plain text over the chunk in proportion to word length", async () => {
    const words = await go("gpt-4o-transcribe");
    expect(fake.requests.at(-1)).toMatchObject({ model: "gpt-4o-transcribe", responseFormat: "json" });
    expect(words.map((w) => w.word).join(" ")).toBe(TEXT);
    expect(words.at(-1)!.end).toBeGreaterThan(6.5);
    expect(words.at(-1)!.end).toBeLessThanOrEqual(7.1);
    const len = (i: number) => words[i]!.end - words[i]!.start;
    expect(len(words.findIndex((w) => w.word === "fortune"))).toBeGreaterThan(len(words.findIndex((w) => w.word === "of")));
  });

  it("carries gpt-4o-transcribe-diarize's speakers on the words, within each segment's span", async () => {
    const words = await go("gpt-4o-transcribe-diarize");
    expect(fake.requests.at(-1)).toMatchObject({ model: "gpt-4o-transcribe-diarize", responseFormat: "diarized_json" });
    expect(words.map((w) => w.speaker)).toEqual(["A", "A", "A", "A", "B", "B", "B", "B", "A", "A", "A"]);
    expect(words.map((w) => w.word).join(" ")).toBe(TEXT);
  });
});

describe("openai engine: failures", () => {
  it("turns 429 into a retryable ENGINE_FAILED carrying the Retry-After delay", async () => {
    fake.fail({ kind: "rate-limit", retryAfterSec: 7 });
    await expect(go("whisper-1")).rejects.toMatchObject({
      name: "RetryableError",
      code: "ENGINE_FAILED",
      retryAfterMs: 7000,
      message: expect.stringMatching(/429/),
    });
  });

  it("retries 5xx", async () => {
    fake.fail({ kind: "server-error", status: 503 });
    await expect(go("whisper-1")).rejects.toMatchObject({ name: "RetryableError", code: "ENGINE_FAILED", retryAfterMs: undefined });
  });

  it("retries a timeout, without waiting out the slow answer", async () => {
    fake.fail({ kind: "slow", delayMs: 3000 });
    const t0 = Date.now();
    await expect(go("whisper-1", { timeoutMs: 300 })).rejects.toMatchObject({
      name: "RetryableError",
      code: "ENGINE_FAILED",
      message: expect.stringMatching(/timed out|unreachable/),
    });
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it("reports a malformed body as ENGINE_FAILED", async () => {
    fake.fail({ kind: "malformed" });
    await expect(go("whisper-1")).rejects.toMatchObject({ code: "ENGINE_FAILED", message: expect.stringMatching(/malformed/) });
  });

  it("fails at once with ENGINE_REJECTED on a bad key, and on a request the model refuses", async () => {
    await expect(go("whisper-1", { apiKey: "sk-wrong" })).rejects.toMatchObject({
      name: "PermanentError",
      code: "ENGINE_REJECTED",
      message: expect.stringMatching(/401.*Incorrect API key/),
    });
    const n = fake.requests.length;
    fake.fail({ kind: "unauthorized" });
    await expect(go("whisper-1")).rejects.toMatchObject({ name: "PermanentError", code: "ENGINE_REJECTED" });
    expect(fake.requests.length).toBe(n + 1);
  });

  it("refuses a chunk over the upload limit before sending it", async () => {
    const n = fake.requests.length;
    await expect(go("whisper-1", { maxUploadBytes: 100_000 })).rejects.toMatchObject({
      name: "PermanentError",
      code: "ENGINE_REJECTED",
      message: expect.stringMatching(/0\.2 MB.*at most 0\.1 MB/),
    });
    expect(fake.requests.length).toBe(n);
  });

  it("reports an unreachable server as retryable", async () => {
    const closed = await startFakeOpenAi();
    await closed.close();
    const e = createOpenAiEngine({ apiKey: "k", baseURL: closed.baseURL, model: "whisper-1", timeoutMs: 2000, maxUploadBytes: 1e8 });
    await expect(e.transcribe(await chunkWavFile(CLIP), { language: "en", signal: new AbortController().signal })).rejects.toMatchObject({
      name: "RetryableError",
      code: "ENGINE_FAILED",
    });
  });

  it("accepts any language code and passes its primary subtag", async () => {
    const e = engine("whisper-1");
    expect(["de", "pt-BR", "en"].every((l) => e.supportsLanguage(l))).toBe(true);
    expect(e.supportsLanguage("not a language")).toBe(false);
    await e.transcribe(await chunkWavFile(CLIP), { language: "pt-BR", signal: new AbortController().signal });
    expect(fake.requests.at(-1)!.language).toBe("pt");
  });
});
