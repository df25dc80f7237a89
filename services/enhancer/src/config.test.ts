import { loadConfig } from "@mp4t/runtime";
import { describe, expect, it } from "vitest";
import { configSchema } from "./config.ts";
import { buildProvider } from "./worker.ts";

describe("enhancer config", () => {
  it("uses the local algorithms by default", async () => {
    const config = loadConfig("enhancer", configSchema, {});
    expect(config).toMatchObject({
      ENHANCE_PROVIDER: "local",
      ENHANCE_OPENAI_MODEL: "gpt-4o-mini",
      ENHANCE_MAX_INPUT_CHARS: 16_000,
      ENHANCE_MAX_OUTPUT_TOKENS: 1024,
      ENHANCE_TIMEOUT_SEC: 120,
    });
    expect((await buildProvider(config)).name).toBe("local");
  });

  it("builds the chat provider ENHANCE_PROVIDER names, with its model", async () => {
    const openai = loadConfig("enhancer", configSchema, {
      ENHANCE_PROVIDER: "openai",
      OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
      ENHANCE_OPENAI_MODEL: "qwen2.5-7b-instruct",
    });
    expect((await buildProvider(openai)).name).toBe("openai:qwen2.5-7b-instruct");
    const hf = loadConfig("enhancer", configSchema, { ENHANCE_PROVIDER: "huggingface", HF_TOKEN: "hf_x" });
    expect((await buildProvider(hf)).name).toBe("huggingface:meta-llama/Llama-3.1-8B-Instruct");
  });

  it("refuses a provider without its credentials, bad URLs and limits two partial summaries cannot share", () => {
    expect(() => loadConfig("enhancer", configSchema, { ENHANCE_PROVIDER: "openai" })).toThrow(/ENHANCE_PROVIDER: openai needs OPENAI_API_KEY/);
    expect(() => loadConfig("enhancer", configSchema, { ENHANCE_PROVIDER: "huggingface" })).toThrow(/HF_TOKEN/);
    expect(() => loadConfig("enhancer", configSchema, { ENHANCE_PROVIDER: "gemini" })).toThrow(/ENHANCE_PROVIDER/);
    expect(() => loadConfig("enhancer", configSchema, { ENHANCE_OPENAI_BASE_URL: "not a url" })).toThrow(/ENHANCE_OPENAI_BASE_URL/);
    expect(() => loadConfig("enhancer", configSchema, { ENHANCE_MAX_INPUT_CHARS: "8000", ENHANCE_MAX_OUTPUT_TOKENS: "1024" })).toThrow(
      /ENHANCE_MAX_INPUT_CHARS: must be at least 12 x/,
    );
  });
});
