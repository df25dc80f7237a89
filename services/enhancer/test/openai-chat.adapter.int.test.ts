import { startFakeOpenAiChat, type FakeOpenAiChatServer } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAiChatModel } from "../src/adapters/openai-chat.adapter.ts";
import type { ChatMessage } from "../src/ports.ts";

let fake: FakeOpenAiChatServer;
beforeAll(async () => {
  fake = await startFakeOpenAiChat({ models: ["gpt-4o-mini"], maxContextChars: 2000, reply: (r) => `You said: ${r.user}` });
});
afterAll(async () => {
  await fake?.close();
});

const model = (over: { apiKey?: string; timeoutMs?: number; model?: string; temperature?: number; organization?: string; project?: string } = {}) =>
  createOpenAiChatModel({
    apiKey: over.apiKey ?? fake.apiKey,
    baseURL: fake.baseURL,
    organization: over.organization,
    project: over.project,
    model: over.model ?? "gpt-4o-mini",
    timeoutMs: over.timeoutMs ?? 10_000,
    temperature: over.temperature,
  });
const messages: ChatMessage[] = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "the water cycle" },
];
const ask = (over = {}, opts: { maxTokens?: number; signal?: AbortSignal } = {}) =>
  model(over).complete(messages, { maxTokens: opts.maxTokens ?? 100, signal: opts.signal ?? new AbortController().signal });

describe("openai chat model: success", () => {
  it("sends the model, messages and token budget, and returns the answer", async () => {
    const reply = await ask({ temperature: 0.2 });
    expect(reply).toEqual({ text: "You said: the water cycle", truncated: false });
    expect(fake.requests.at(-1)).toMatchObject({
      model: "gpt-4o-mini",
      system: "Be brief.",
      user: "the water cycle",
      messages,
      // A compatible server (a baseURL) gets the budget under the name they all know.
      budgetField: "max_tokens",
      maxTokens: 100,
      temperature: 0.2,
      authorization: `Bearer ${fake.apiKey}`,
    });
  });

  it("sends OpenAI's account headers only when an organization or project is configured", async () => {
    await ask();
    expect(fake.requests.at(-1)).not.toHaveProperty("organization");
    expect(fake.requests.at(-1)).not.toHaveProperty("project");
    await ask({ organization: "org-Abc123", project: "proj_Xyz789" });
    expect(fake.requests.at(-1)).toMatchObject({ organization: "org-Abc123", project: "proj_Xyz789" });
  });

  it("leaves the temperature to the provider unless configured", async () => {
    await ask();
    expect(fake.requests.at(-1)!.temperature).toBeUndefined();
  });

  it("reports an answer cut off at the token budget", async () => {
    expect(await ask({}, { maxTokens: 3 })).toEqual({ text: "You said: the", truncated: true });
  });
});

describe("openai chat model: failures", () => {
  it("turns 429 into a retryable ENGINE_FAILED carrying the Retry-After delay", async () => {
    fake.fail({ kind: "rate-limit", retryAfterSec: 7 });
    await expect(ask()).rejects.toMatchObject({
      name: "RetryableError",
      code: "ENGINE_FAILED",
      retryAfterMs: 7000,
      message: expect.stringMatching(/openai:gpt-4o-mini answered 429: .*Rate limit/),
    });
  });

  it("retries 500 and 503", async () => {
    fake.fail({ kind: "server-error" }, { kind: "server-error", status: 503 });
    await expect(ask()).rejects.toMatchObject({
      name: "RetryableError",
      code: "ENGINE_FAILED",
      retryAfterMs: undefined,
      message: expect.stringMatching(/answered 500/),
    });
    await expect(ask()).rejects.toMatchObject({ name: "RetryableError", code: "ENGINE_FAILED", message: expect.stringMatching(/answered 503/) });
  });

  it("retries a timeout, without waiting out the slow answer", async () => {
    fake.fail({ kind: "slow", delayMs: 3000 });
    const t0 = Date.now();
    await expect(ask({ timeoutMs: 300 })).rejects.toMatchObject({ name: "RetryableError", code: "ENGINE_FAILED", message: expect.stringMatching(/timed out/) });
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it("retries a malformed body, a completion without choices and an empty answer", async () => {
    fake.fail({ kind: "malformed" }, { kind: "no-choices" }, { kind: "empty" });
    await expect(ask()).rejects.toMatchObject({ name: "RetryableError", code: "ENGINE_FAILED", message: expect.stringMatching(/malformed response/) });
    await expect(ask()).rejects.toMatchObject({
      name: "RetryableError",
      code: "ENGINE_FAILED",
      message: expect.stringMatching(/malformed response.*no choices/s),
    });
    await expect(ask()).rejects.toMatchObject({ name: "RetryableError", code: "ENGINE_FAILED", message: expect.stringMatching(/empty completion/) });
  });

  it("fails at once with ENGINE_REJECTED on 401, 403, 400, an unknown model, a too-long prompt or a content filter", async () => {
    await expect(ask({ apiKey: "sk-wrong" })).rejects.toMatchObject({
      name: "PermanentError",
      code: "ENGINE_REJECTED",
      message: expect.stringMatching(/401.*Incorrect API key/),
    });
    fake.fail({ kind: "unauthorized" }, { kind: "forbidden" }, { kind: "bad-request" }, { kind: "content-filter" });
    await expect(ask()).rejects.toMatchObject({ name: "PermanentError", code: "ENGINE_REJECTED", message: expect.stringMatching(/answered 401/) });
    await expect(ask()).rejects.toMatchObject({ name: "PermanentError", code: "ENGINE_REJECTED", message: expect.stringMatching(/answered 403/) });
    await expect(ask()).rejects.toMatchObject({ name: "PermanentError", code: "ENGINE_REJECTED", message: expect.stringMatching(/answered 400/) });
    await expect(ask()).rejects.toMatchObject({ name: "PermanentError", code: "ENGINE_REJECTED", message: expect.stringMatching(/refused.*content_filter/) });
    await expect(ask({ model: "gpt-9" })).rejects.toMatchObject({
      name: "PermanentError",
      code: "ENGINE_REJECTED",
      message: expect.stringMatching(/404.*gpt-9/),
    });
    const long = model().complete([{ role: "user", content: "word ".repeat(500) }], { maxTokens: 10, signal: new AbortController().signal });
    await expect(long).rejects.toMatchObject({
      name: "PermanentError",
      code: "ENGINE_REJECTED",
      message: expect.stringMatching(/400.*maximum context length/),
    });
  });

  it("retries when the server cannot be reached", async () => {
    const gone = createOpenAiChatModel({ apiKey: "k", baseURL: "http://127.0.0.1:9/v1", model: "m", timeoutMs: 5000 });
    await expect(gone.complete(messages, { maxTokens: 10, signal: new AbortController().signal })).rejects.toMatchObject({
      name: "RetryableError",
      code: "ENGINE_FAILED",
      message: expect.stringMatching(/unreachable/),
    });
  });

  it("stops when the job's signal aborts, without calling it a provider failure", async () => {
    fake.fail({ kind: "slow", delayMs: 3000 });
    const ac = new AbortController();
    const running = ask({}, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error("stage deadline")), 100);
    const err = await running.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toHaveProperty("code", "ENGINE_FAILED");
    expect(ac.signal.aborted).toBe(true);
  });
});
