import { loadConfig } from "@mp4t/runtime";
import { describe, expect, it } from "vitest";
import { configSchema } from "./config.ts";
import { buildEngines } from "./worker.ts";

describe("transcriber config", () => {
  it("builds only pocketsphinx by default", async () => {
    const engines = await buildEngines(loadConfig("transcriber", configSchema, {}));
    expect(engines.names()).toEqual(["pocketsphinx"]);
    expect(engines.defaultName).toBe("pocketsphinx");
  });

  it("adds the provider engines their credentials or endpoints enable, and lets a job pick one", async () => {
    const config = loadConfig("transcriber", configSchema, {
      TRANSCRIBE_ENGINE: "openai",
      OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
      OPENAI_MODEL: "gpt-4o-transcribe-diarize",
      HF_ENDPOINT_URL: "http://127.0.0.1:9/models/openai/whisper-large-v3",
      HF_LANGUAGES: "en, de",
    });
    const engines = await buildEngines(config);
    expect(engines.names()).toEqual(["pocketsphinx", "openai", "huggingface"]);
    expect(engines.select().name).toBe("openai");
    expect(engines.select("huggingface").supportsLanguage("de")).toBe(true);
    expect(engines.select("huggingface").supportsLanguage("fr")).toBe(false);
  });

  it("refuses a default engine without its credentials, naming the variable", () => {
    expect(() => loadConfig("transcriber", configSchema, { TRANSCRIBE_ENGINE: "openai" })).toThrow(/TRANSCRIBE_ENGINE: openai needs OPENAI_API_KEY/);
    expect(() => loadConfig("transcriber", configSchema, { TRANSCRIBE_ENGINE: "huggingface" })).toThrow(/HF_TOKEN/);
    expect(() => loadConfig("transcriber", configSchema, { OPENAI_BASE_URL: "not a url" })).toThrow(/OPENAI_BASE_URL/);
  });
});
