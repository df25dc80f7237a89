import { BlobKeys, Transcript, type Job } from "@mp4t/contracts";
import { loadConfig } from "@mp4t/runtime";
import { getJson } from "@mp4t/stores";
import { pipelineDeps, readCommands } from "@mp4t/pipeline/testing";
import { silentLogger, startFakeOpenAiChat, startNats, type FakeChatRequest, type FakeOpenAiChatServer, type NatsServer } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../src/config.ts";
import { enhanceHandler } from "../src/handlers/enhance.handler.ts";
import { buildProvider, startEnhancer } from "../src/worker.ts";
import { seedDiarizedJob } from "./enhancer-fixtures.ts";

/** A chat model that does each task recognisably: the test can tell whose text landed where. */
function scriptedModel(r: FakeChatRequest): string {
  if (r.system.startsWith("You edit")) return r.user.replace(/\b(Um|Uh|um|uh) /g, "").replace("the the", "the");
  if (r.system.startsWith("You translate"))
    return r.user
      .split("\n\n")
      .map((p) => `[${r.system.match(/into (\w+)/)![1]}] ${p}`)
      .join("\n\n");
  if (r.system.startsWith("You summarise")) return "The talk explains the water cycle.";
  return "### Key terms\n\n- water cycle\n\n### Evaporation and rain (00:00)\n\n- Water evaporates and returns as rain.";
}

let nats: NatsServer;
let fake: FakeOpenAiChatServer;
beforeAll(async () => {
  nats = await startNats();
  fake = await startFakeOpenAiChat({ reply: scriptedModel, models: ["gpt-4o-mini"] });
});
afterAll(async () => {
  await fake?.close();
  await nats?.[Symbol.asyncDispose]();
});

const ALL = ["clean", "summary", "notes", "translate:de"];
const options = { language: "en", diarize: true, enhance: ALL, class: "interactive" } as const;
const openaiEnv = () => ({ ENHANCE_PROVIDER: "openai", OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: fake.apiKey });

describe("enhance handler with the provider the config chooses (real nats-server, fake OpenAI chat server)", () => {
  it("with ENHANCE_PROVIDER=openai, stores the model's clean text, summary, notes and translation", async () => {
    const deps = await pipelineDeps(nats, "enhancer");
    try {
      const { job, ref } = await seedDiarizedJob(deps, "ann", { options });
      const warnings: unknown[] = [];
      const logger = Object.assign(Object.create(deps.logger), { warn: (obj: unknown) => void warnings.push(obj) });
      const provider = await buildProvider(loadConfig("enhancer", configSchema, openaiEnv()));
      const before = fake.requests.length;
      await enhanceHandler({ ...deps, logger, provider })({ v: 1, ...ref });

      expect(warnings).toEqual([]);
      const requests = fake.requests.slice(before);
      expect(requests.map((r) => r.model)).toEqual(["gpt-4o-mini", "gpt-4o-mini", "gpt-4o-mini", "gpt-4o-mini"]);
      expect(requests[0]!.user.split("\n\n")).toEqual([
        "Speaker 1: Um so today we look at the the water cycle. Water evaporates from the sea and forms clouds.",
        "Speaker 2: Uh and then it rains.",
        "Speaker 1: Yes rain returns the water to rivers and the sea.",
      ]);
      const t = await getJson(deps.blobs, BlobKeys.transcript(job.id), Transcript);
      expect(t!.enhancements).toEqual({
        clean:
          "Speaker 1: so today we look at the water cycle. Water evaporates from the sea and forms clouds.\n\nSpeaker 2: and then it rains.\n\nSpeaker 1: Yes rain returns the water to rivers and the sea.",
        summary: "The talk explains the water cycle.",
        notes: "### Key terms\n\n- water cycle\n\n### Evaporation and rain (00:00)\n\n- Water evaporates and returns as rain.",
        translations: {
          de: "[German] Speaker 1: Um so today we look at the the water cycle. Water evaporates from the sea and forms clouds.\n\n[German] Speaker 2: Uh and then it rains.\n\n[German] Speaker 1: Yes rain returns the water to rivers and the sea.",
        },
      });
      // The transcript itself is the diarized one, untouched by the model.
      expect(t!.text.split("\n\n")[0]).toBe("Um so today we look at the the water cycle. Water evaporates from the sea and forms clouds.");
      expect(await deps.jobs.getJob(ref)).toMatchObject({ status: "completed", stages: { enhance: { status: "done" } } });
    } finally {
      await deps.close();
    }
  });

  it("with no provider configured, keeps the local algorithms and refuses translation with OPTION_UNSUPPORTED", async () => {
    const deps = await pipelineDeps(nats, "enhancer");
    try {
      const provider = await buildProvider(loadConfig("enhancer", configSchema, {}));
      const before = fake.requests.length;
      const local = await seedDiarizedJob(deps, "ben", { options: { ...options, enhance: ["clean", "notes"] } });
      await enhanceHandler({ ...deps, provider })({ v: 1, ...local.ref });
      expect(fake.requests.length).toBe(before);
      const t = await getJson(deps.blobs, BlobKeys.transcript(local.job.id), Transcript);
      expect(t!.enhancements.clean!.split("\n\n")[0]).toBe("Speaker 1: So today we look at the water cycle. Water evaporates from the sea and forms clouds.");
      expect(t!.enhancements.notes).toMatch(/^### Key terms/);
      const translate = await seedDiarizedJob(deps, "ben", { options });
      await enhanceHandler({ ...deps, provider })({ v: 1, ...translate.ref });
      expect((await deps.jobs.getJob(translate.ref))!.error).toMatchObject({
        code: "OPTION_UNSUPPORTED",
        message: expect.stringMatching(/"translate:de" needs a translation provider/),
      });
      expect(fake.requests.length).toBe(before);
    } finally {
      await deps.close();
    }
  });
});

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the enhancer service with a chat provider (real runner, real nats-server)", () => {
  it("fails a job at once with ENGINE_REJECTED on a refused key, and finishes one after a 429 once Retry-After has passed", async () => {
    const nc = await nats.connect();
    const config = loadConfig("enhancer", configSchema, {
      ...openaiEnv(),
      NATS_URL: nats.url,
      LOG_LEVEL: "silent",
      MAX_DELIVER: "4",
      RETRY_BACKOFF_BASE_MS: "20",
      RETRY_BACKOFF_MAX_MS: "100",
    });
    const service = await startEnhancer({ config, logger: silentLogger("enhancer"), nc });
    const { deps } = service;
    const status = (ref: { userId: string; jobId: string }) => deps.jobs.getJob(ref) as Promise<Job>;
    try {
      // A key the provider refuses: no retries, the job fails with the provider's code.
      fake.fail({ kind: "unauthorized" });
      let before = fake.requests.length;
      const refused = await seedDiarizedJob(deps, "cat", { options });
      await deps.publisher.command("enhance", "interactive", { v: 1, ...refused.ref }, `enhance:${refused.job.id}`);
      const failed = await until("the refused job fails", async () => ((await status(refused.ref)).status === "failed" ? status(refused.ref) : false));
      // In our words: the provider's reply (and its status) stays in the log and the dead letter.
      expect(failed.error).toEqual({ code: "ENGINE_REJECTED", message: expect.stringMatching(/^The enhancement provider refused the request/) });
      expect(fake.requests.length - before).toBe(1);
      expect(await deps.blobs.stat(BlobKeys.transcript(refused.job.id))).toBeNull();
      const cleanups = await readCommands({ nc }, "cleanup", "batch");
      expect(cleanups.filter((c) => c.msg.jobId === refused.job.id).map((c) => c.msg.reason)).toEqual(["failed"]);

      // Rate limited on the first request: the runner retries after Retry-After, and the job completes.
      fake.fail({ kind: "rate-limit", retryAfterSec: 1 });
      before = fake.requests.length;
      const limited = await seedDiarizedJob(deps, "dan", { options });
      const t0 = Date.now();
      await deps.publisher.command("enhance", "interactive", { v: 1, ...limited.ref }, `enhance:${limited.job.id}`);
      await until("the rate-limited job completes", async () => (await status(limited.ref)).status === "completed");
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
      const requests = fake.requests.slice(before);
      expect(requests).toHaveLength(5);
      expect(requests[1]!.user).toBe(requests[0]!.user);
      const t = await getJson(deps.blobs, BlobKeys.transcript(limited.job.id), Transcript);
      expect(Object.keys(t!.enhancements).sort()).toEqual(["clean", "notes", "summary", "translations"]);
      expect(t!.enhancements.translations!.de).toMatch(/^\[German\] Speaker 1: Um so today/);
    } finally {
      await service.stop(1000);
      await nc.close();
    }
  });
});
