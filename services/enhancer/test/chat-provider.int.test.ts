import { startFakeOpenAiChat, type FakeChatRequest, type FakeOpenAiChatServer } from "@mp4t/testing";
import type { Paragraph } from "@mp4t/transcript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChatProvider } from "../src/adapters/chat.adapter.ts";
import { createOpenAiChatModel } from "../src/adapters/openai-chat.adapter.ts";
import type { EnhanceRequest } from "../src/ports.ts";

/*
 * The chat provider against a real HTTP server speaking OpenAI's protocol, through the real SDK.
 * The fake's "model" is scripted from the instructions it gets: cleaning drops "um", translating
 * wraps each paragraph in «», and condensing answers with the paragraph ids (P00, P01, ...) it
 * was shown, padded like a real summary. So the final summary tells exactly which paragraphs
 * reached it, and in what order.
 */
const LIMIT = 1000;
const ids = (text: string) => text.match(/\bP\d\d\b/g) ?? [];
const PADDING = Array.from({ length: 40 }, () => "summary").join(" ");

function scriptedModel(r: FakeChatRequest): string {
  if (r.system.startsWith("You edit")) return r.user.replace(/\bum\s+/g, "");
  if (r.system.startsWith("You translate"))
    return r.user
      .split("\n\n")
      .map((p) => `«${p}»`)
      .join("\n\n");
  return `${ids(r.user).join(" ")} ${PADDING}`;
}

let fake: FakeOpenAiChatServer;
beforeAll(async () => {
  // The fake enforces a context limit: a request over it would fail the test with a 400.
  fake = await startFakeOpenAiChat({ reply: scriptedModel, maxContextChars: LIMIT + 1500 });
});
afterAll(async () => {
  await fake?.close();
});

const provider = (server = fake, over: { maxInputChars?: number; maxOutputTokens?: number } = {}) =>
  createChatProvider(createOpenAiChatModel({ apiKey: server.apiKey, baseURL: server.baseURL, model: "gpt-4o-mini", timeoutMs: 10_000 }), {
    maxInputChars: over.maxInputChars ?? LIMIT,
    maxOutputTokens: over.maxOutputTokens ?? 150,
  });
const pad = (i: number) => String(i).padStart(2, "0");
/** A two-speaker talk of `n` paragraphs, ten seconds each. */
const talk = (n: number): Paragraph[] =>
  Array.from({ length: n }, (_, i) => ({
    start: i * 10,
    end: i * 10 + 9,
    speaker: `Speaker ${(i % 2) + 1}`,
    text: `P${pad(i)} um the topic number ${i} is about water, rain and clouds.`,
  }));
const request = (paragraphs: Paragraph[], options: EnhanceRequest["options"], speakers = ["Speaker 1", "Speaker 2"]): EnhanceRequest => ({
  paragraphs,
  speakers,
  language: "en",
  options,
  signal: new AbortController().signal,
});
/** Runs one enhancement and returns what it produced and the requests it made. */
async function run(req: EnhanceRequest, server = fake, p = provider(server)) {
  const before = server.requests.length;
  const out = await p.enhance(req);
  return { ...out, requests: server.requests.slice(before) };
}

describe("chat provider: a short transcript", () => {
  it("makes one request per enhancement, with the whole text, speaker labels and (for notes) times", async () => {
    const paragraphs = talk(3);
    const { enhancements, unsupported, requests } = await run(request(paragraphs, ["clean", "summary", "notes", "translate:de"]));
    expect(unsupported).toEqual([]);
    expect(requests).toHaveLength(4);
    expect(requests.map((r) => r.system.split(".")[0])).toEqual([
      "You edit transcripts of speech into clean, readable English text",
      "You summarise transcripts of talks",
      "You write lecture notes in Markdown, in English, from transcripts of talks",
      "You translate transcripts of speech from English into German",
    ]);
    for (const r of requests) expect(r.system).not.toMatch(/part \d+ of/);
    const labelled = paragraphs.map((p) => `${p.speaker}: ${p.text}`);
    expect(requests[0]!.user).toBe(labelled.join("\n\n"));
    expect(requests[2]!.user).toBe(labelled.map((p, i) => `[00:${pad(i * 10)}] ${p}`).join("\n\n"));
    expect(enhancements).toEqual({
      clean: labelled.map((p) => p.replace("um ", "")).join("\n\n"),
      summary: `P00 P01 P02 ${PADDING}`,
      notes: `P00 P01 P02 ${PADDING}`,
      translations: { de: labelled.map((p) => `«${p}»`).join("\n\n") },
    });
  });

  it("leaves speaker labels out when one person speaks, and writes several translations", async () => {
    const paragraphs = talk(2).map((p) => ({ ...p, speaker: "Speaker 1" }));
    const { enhancements, requests } = await run(request(paragraphs, ["translate:fr", "translate:pt-BR"], ["Speaker 1"]));
    expect(requests.map((r) => r.system.match(/into ([\w ]+)\./)?.[1])).toEqual(["French", "Brazilian Portuguese"]);
    expect(requests[0]!.user).toBe(paragraphs.map((p) => p.text).join("\n\n"));
    expect(Object.keys(enhancements.translations!)).toEqual(["fr", "pt-BR"]);
  });

  it("asks nothing of the model for a transcript with no words", async () => {
    const { enhancements, requests } = await run(request([], ["clean", "summary", "notes", "translate:de"]));
    expect(requests).toEqual([]);
    expect(enhancements).toEqual({ clean: "", summary: "", notes: "", translations: { de: "" } });
  });
});

describe("chat provider: a long transcript", () => {
  const paragraphs = talk(60);
  const labelled = paragraphs.map((p) => `${p.speaker}: ${p.text}`);

  it("cleans and translates piece by piece under the limit, in order, cutting only between paragraphs", async () => {
    const { enhancements, requests } = await run(request(paragraphs, ["clean", "translate:de"]));
    const cleaning = requests.filter((r) => r.system.startsWith("You edit"));
    expect(cleaning.length).toBeGreaterThan(3);
    expect(
      cleaning.map((r) =>
        r.system
          .match(/part (\d+) of (\d+)/)!
          .slice(1)
          .map(Number),
      ),
    ).toEqual(cleaning.map((_, i) => [i + 1, cleaning.length]));
    for (const r of requests) expect(r.user.length).toBeLessThanOrEqual(LIMIT);
    expect(cleaning.flatMap((r) => r.user.split("\n\n"))).toEqual(labelled);
    expect(enhancements.clean).toBe(labelled.map((p) => p.replace("um ", "")).join("\n\n"));
    expect(enhancements.translations!.de).toBe(labelled.map((p) => `«${p}»`).join("\n\n"));
  });

  it("summarises by map-reduce: every piece condensed, then combined in rounds, keeping the order", async () => {
    const { enhancements, requests } = await run(request(paragraphs, ["summary"]));
    const maps = requests.filter((r) => r.system.includes("Summarise this part"));
    const rounds = requests.filter((r) => r.system.includes("this stretch of the talk"));
    const finals = requests.filter((r) => r.system.includes("summary of the whole talk"));
    expect(maps.length).toBeGreaterThanOrEqual(5);
    expect(maps.map((r) => r.system.match(/part (\d+) of/)![1])).toEqual(maps.map((_, i) => String(i + 1)));
    expect(maps.flatMap((r) => ids(r.user))).toEqual(paragraphs.map((_, i) => `P${pad(i)}`));
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    expect(finals).toHaveLength(1);
    expect(requests.at(-1)).toBe(finals[0]);
    expect(requests).toHaveLength(maps.length + rounds.length + 1);
    for (const r of [...rounds, ...finals]) {
      expect(r.user.length).toBeLessThanOrEqual(LIMIT);
      expect(r.user).toContain("\n\n----------\n\n");
    }
    expect(ids(enhancements.summary!)).toEqual(paragraphs.map((_, i) => `P${pad(i)}`));
  });

  it("writes notes the same way, from text that carries the times", async () => {
    const { enhancements, requests } = await run(request(paragraphs, ["notes"]));
    const maps = requests.filter((r) => r.system.includes("This is part"));
    expect(maps.length).toBeGreaterThanOrEqual(5);
    expect(maps[1]!.user).toMatch(/^\[\d\d:\d\d\] Speaker \d: P\d\d/);
    expect(requests.at(-1)!.system).toMatch(/^You are given lecture notes .* key point that matters for the talk as a whole/s);
    expect(ids(enhancements.notes!)).toEqual(paragraphs.map((_, i) => `P${pad(i)}`));
  });

  it("stops at the first failed request and passes its outcome on", async () => {
    fake.fail({ kind: "ok" }, { kind: "ok" }, { kind: "rate-limit", retryAfterSec: 2 });
    const before = fake.requests.length;
    await expect(provider().enhance(request(paragraphs, ["clean", "summary"]))).rejects.toMatchObject({
      name: "RetryableError",
      code: "ENGINE_FAILED",
      retryAfterMs: 2000,
    });
    expect(fake.requests.length - before).toBe(3);
    fake.fail({ kind: "unauthorized" });
    await expect(provider().enhance(request(paragraphs, ["summary"]))).rejects.toMatchObject({ name: "PermanentError", code: "ENGINE_REJECTED" });
  });
});

describe("chat provider: answers cut off at the token budget", () => {
  it("redoes a cut-off piece as two halves until each fits, and joins them back in order", async () => {
    // A wordy "model": every word said six times, so a piece must shrink to five words to fit 30 tokens.
    const wordy = await startFakeOpenAiChat({ reply: (r) => r.user.replace(/\S+/g, (w) => Array(6).fill(w).join(" ")) });
    try {
      const paragraphs = [
        { start: 0, end: 5, text: "One two three four five six seven eight. Nine ten eleven twelve." },
        { start: 6, end: 9, text: "Thirteen fourteen fifteen sixteen seventeen eighteen." },
      ];
      const { enhancements, requests } = await run(request(paragraphs, ["clean"], []), wordy, provider(wordy, { maxOutputTokens: 30 }));
      expect(requests.length).toBeGreaterThan(4);
      const six = (text: string) => text.replace(/\S+/g, (w) => Array(6).fill(w).join(" "));
      expect(enhancements.clean).toBe(paragraphs.map((p) => six(p.text)).join("\n\n"));
    } finally {
      await wordy.close();
    }
  });

  it("fails with ENGINE_REJECTED when even a single word's answer is cut off", async () => {
    const endless = await startFakeOpenAiChat({ reply: () => "and ".repeat(5000) });
    try {
      const err = await provider(endless, { maxOutputTokens: 20 })
        .enhance(request([{ start: 0, end: 1, text: "Hello there friend." }], ["translate:de"], []))
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ name: "PermanentError", code: "ENGINE_REJECTED", message: expect.stringMatching(/cut its answer off/) });
      expect(endless.requests.length).toBe(3); // the piece, its first half, that half's first word
    } finally {
      await endless.close();
    }
  });

  it("ends a cut-off summary at its last whole sentence", async () => {
    const rambling = await startFakeOpenAiChat({ reply: () => "It is about rain. It goes on and on and on and on" });
    try {
      const { enhancements } = await run(request(talk(2), ["summary"]), rambling, provider(rambling, { maxOutputTokens: 8 }));
      expect(enhancements.summary).toBe("It is about rain.");
    } finally {
      await rambling.close();
    }
  });
});
