import { startFakeHf, type FakeHfServer } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHuggingFaceEngine } from "../src/adapters/huggingface.adapter.ts";
import { chunkWavFile } from "../src/chunk-wav.ts";

const CLIP = "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav"; // 7.1 s
const TEXT = "and the whole of his fortune was settled on his son";
const MODEL = "openai/whisper-large-v3";

let fake: FakeHfServer;
beforeAll(async () => {
  fake = await startFakeHf({ transcript: TEXT });
});
afterAll(() => fake.close());

const engine = (over: { token?: string; timeoutMs?: number; endpointUrl?: string; languages?: string[] } = {}) =>
  createHuggingFaceEngine({
    token: over.token ?? fake.token,
    model: MODEL,
    endpointUrl: over.endpointUrl ?? fake.modelUrl(MODEL),
    languages: over.languages ?? ["*"],
    timeoutMs: over.timeoutMs ?? 10_000,
    maxUploadBytes: 25 * 1024 * 1024,
  });
const go = async (over = {}) => engine(over).transcribe(await chunkWavFile(CLIP), { language: "en", signal: new AbortController().signal });

describe("huggingface engine", () => {
  it("posts the raw audio to the endpoint and keeps the word chunks' times", async () => {
    const words = await go();
    expect(fake.requests.at(-1)).toMatchObject({ path: `/models/${MODEL}`, contentType: "audio/wav" });
    expect(fake.requests.at(-1)!.bytes).toBeGreaterThan(200_000);
    expect(words.map((w) => w.word).join(" ")).toBe(TEXT);
    expect(words.every((w) => w.end > w.start)).toBe(true);
    expect(words.at(-1)!.end).toBeGreaterThan(6);
  });

  it("spreads the text over the chunk when the endpoint returns no timestamps", async () => {
    const plain = await startFakeHf({ transcript: TEXT, chunks: false });
    try {
      const words = await engine({ endpointUrl: plain.modelUrl(MODEL), token: plain.token }).transcribe(await chunkWavFile(CLIP), {
        language: "en",
        signal: new AbortController().signal,
      });
      expect(words.map((w) => w.word).join(" ")).toBe(TEXT);
      expect(words.at(-1)!.end).toBeGreaterThan(6.5);
    } finally {
      await plain.close();
    }
  });

  it("retries 429 with its Retry-After, and a loading model after its estimated time", async () => {
    fake.fail({ kind: "rate-limit", retryAfterSec: 3 });
    await expect(go()).rejects.toMatchObject({ name: "RetryableError", code: "ENGINE_FAILED", retryAfterMs: 3000 });
    fake.fail({ kind: "loading", estimatedTimeSec: 20 });
    await expect(go()).rejects.toMatchObject({
      name: "RetryableError",
      code: "ENGINE_FAILED",
      retryAfterMs: 20_000,
      message: expect.stringMatching(/503.*loading/),
    });
  });

  it("retries 5xx and timeouts", async () => {
    fake.fail({ kind: "server-error" });
    await expect(go()).rejects.toMatchObject({ name: "RetryableError", code: "ENGINE_FAILED", message: expect.stringMatching(/500/) });
    fake.fail({ kind: "slow", delayMs: 3000 });
    await expect(go({ timeoutMs: 300 })).rejects.toMatchObject({ name: "RetryableError", code: "ENGINE_FAILED", message: expect.stringMatching(/timed out/) });
  });

  it("reports a malformed body as ENGINE_FAILED", async () => {
    fake.fail({ kind: "malformed" });
    await expect(go()).rejects.toMatchObject({ code: "ENGINE_FAILED", message: expect.stringMatching(/malformed/) });
  });

  it("fails at once with ENGINE_REJECTED on a bad token or a model it may not use", async () => {
    await expect(go({ token: "hf_wrong" })).rejects.toMatchObject({
      name: "PermanentError",
      code: "ENGINE_REJECTED",
      message: expect.stringMatching(/401.*Invalid credentials/),
    });
    fake.fail({ kind: "unauthorized" });
    await expect(go()).rejects.toMatchObject({ name: "PermanentError", code: "ENGINE_REJECTED", message: expect.stringMatching(/403/) });
  });

  it("supports the configured languages only", () => {
    const e = engine({ languages: ["en", "de"] });
    expect(["en", "en-GB", "de"].every((l) => e.supportsLanguage(l))).toBe(true);
    expect(e.supportsLanguage("fr")).toBe(false);
    expect(engine().supportsLanguage("fr")).toBe(true);
  });
});
