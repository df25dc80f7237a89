import { startFakeOpenAiChat, type FakeOpenAiChatServer } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHuggingFaceChatModel } from "../src/adapters/huggingface-chat.adapter.ts";

const MODEL = "meta-llama/Llama-3.1-8B-Instruct";

/** TGI and Inference Endpoints speak OpenAI's chat protocol under `<endpoint>/v1/chat/completions`. */
let fake: FakeOpenAiChatServer;
beforeAll(async () => {
  fake = await startFakeOpenAiChat({ apiKey: "hf_fake_token", reply: (r) => `Echo: ${r.user}` });
});
afterAll(async () => {
  await fake?.close();
});

const ask = (over: { token?: string; timeoutMs?: number } = {}, maxTokens = 50) =>
  createHuggingFaceChatModel({ token: over.token ?? fake.apiKey, endpointUrl: fake.baseURL, model: MODEL, timeoutMs: over.timeoutMs ?? 10_000 }).complete(
    [
      { role: "system", content: "Be brief." },
      { role: "user", content: "rain and rivers" },
    ],
    { maxTokens, signal: new AbortController().signal },
  );

describe("huggingface chat model", () => {
  it("posts an OpenAI-style chat request to the endpoint and returns the answer", async () => {
    expect(await ask()).toEqual({ text: "Echo: rain and rivers", truncated: false });
    expect(fake.requests.at(-1)).toMatchObject({
      model: MODEL,
      system: "Be brief.",
      user: "rain and rivers",
      budgetField: "max_tokens",
      maxTokens: 50,
      authorization: "Bearer hf_fake_token",
    });
    expect(await ask({}, 2)).toEqual({ text: "Echo: rain", truncated: true });
  });

  it("turns 429 into a retryable ENGINE_FAILED with the Retry-After delay, and retries 503 without the SDK's own loop", async () => {
    fake.fail({ kind: "rate-limit", retryAfterSec: 4 }, { kind: "server-error", status: 503 });
    await expect(ask()).rejects.toMatchObject({
      name: "RetryableError",
      code: "ENGINE_FAILED",
      retryAfterMs: 4000,
      message: expect.stringMatching(/huggingface:.* answered 429: Rate limit/),
    });
    const n = fake.requests.length;
    await expect(ask()).rejects.toMatchObject({ name: "RetryableError", code: "ENGINE_FAILED", message: expect.stringMatching(/answered 503/) });
    expect(fake.requests.length).toBe(n + 1);
  });

  it("retries a timeout and a malformed body", async () => {
    fake.fail({ kind: "slow", delayMs: 3000 }, { kind: "malformed" });
    await expect(ask({ timeoutMs: 300 })).rejects.toMatchObject({ name: "RetryableError", code: "ENGINE_FAILED", message: expect.stringMatching(/timed out/) });
    await expect(ask()).rejects.toMatchObject({ name: "RetryableError", code: "ENGINE_FAILED", message: expect.stringMatching(/malformed/) });
  });

  it("fails at once with ENGINE_REJECTED on a bad token, with the provider's own message", async () => {
    await expect(ask({ token: "hf_wrong" })).rejects.toMatchObject({
      name: "PermanentError",
      code: "ENGINE_REJECTED",
      message: expect.stringMatching(/answered 401: Incorrect API key/),
    });
    fake.fail({ kind: "forbidden" });
    await expect(ask()).rejects.toMatchObject({ name: "PermanentError", code: "ENGINE_REJECTED", message: expect.stringMatching(/answered 403/) });
  });
});
