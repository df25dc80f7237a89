import type { Word } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { findPocketsphinxModels } from "./adapters/pocketsphinx-models.ts";
import { createPocketsphinxEngine } from "./adapters/pocketsphinx.adapter.ts";
import { createEngineRegistry } from "./engine.registry.ts";
import type { TranscriptionEngine } from "./ports.ts";

/** A strict fake: selecting it is fine, running it is not what these tests are about. */
const fake = (name: string): TranscriptionEngine => ({
  name,
  capability: { languages: ["*"], wordTimestamps: true, speakers: false },
  supportsLanguage: () => true,
  transcribe: async (): Promise<Word[]> => {
    throw new Error(`unexpected call to ${name}.transcribe`);
  },
});

describe("createEngineRegistry", () => {
  const registry = createEngineRegistry([fake("pocketsphinx"), fake("openai")], "pocketsphinx");

  it("uses the default engine unless the job names another", () => {
    expect(registry.select().name).toBe("pocketsphinx");
    expect(registry.select("openai").name).toBe("openai");
    expect(registry.names()).toEqual(["pocketsphinx", "openai"]);
    expect(registry.capabilities().map((c) => [c.id, c.default])).toEqual([
      ["pocketsphinx", true],
      ["openai", false],
    ]);
  });

  it("rejects an unknown engine with a permanent ENGINE_UNKNOWN listing the choices", () => {
    expect(() => registry.select("whisper")).toThrow(expect.objectContaining({ name: "PermanentError", code: "ENGINE_UNKNOWN" }));
    expect(() => registry.select("whisper")).toThrow(/pocketsphinx, openai/);
  });

  it("refuses a default that is not configured, and duplicate names", () => {
    expect(() => createEngineRegistry([fake("a")], "b")).toThrow(/not configured/);
    expect(() => createEngineRegistry([fake("a"), fake("a")], "a")).toThrow(/share a name/);
  });
});

describe("pocketsphinx engine languages", () => {
  it("supports the installed models' languages and their regional variants only", async () => {
    // Debian's pocketsphinx-en-us, as installed on this machine.
    const models = await findPocketsphinxModels("/usr/share/pocketsphinx/model");
    expect(models).toEqual([
      {
        language: "en-us",
        hmm: "/usr/share/pocketsphinx/model/en-us/en-us",
        lm: "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin",
        dict: "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict",
      },
    ]);
    const engine = createPocketsphinxEngine({ bin: "pocketsphinx_continuous", models });
    expect(engine.capability.languages).toEqual(["en-us"]);
    expect(["en", "en-US", "en-GB"].every((l) => engine.supportsLanguage(l))).toBe(true);
    expect(["de", "fr", "eng", "es-US"].some((l) => engine.supportsLanguage(l))).toBe(false);
  });

  it("offers no language when no complete model is installed", async () => {
    expect(await findPocketsphinxModels("/nonexistent/models")).toEqual([]);
    expect(createPocketsphinxEngine({ bin: "pocketsphinx_continuous", models: [] }).supportsLanguage("en")).toBe(false);
  });
});
