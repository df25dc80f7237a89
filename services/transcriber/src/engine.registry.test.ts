import type { Word } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { createPocketsphinxEngine } from "./adapters/pocketsphinx.adapter.ts";
import { createEngineRegistry } from "./engine.registry.ts";
import type { TranscriptionEngine } from "./ports.ts";

/** A strict fake: selecting it is fine, running it is not what these tests are about. */
const fake = (name: string): TranscriptionEngine => ({
  name,
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
  const engine = createPocketsphinxEngine({ bin: "pocketsphinx_continuous" });

  it("supports English and its regional variants only", () => {
    expect(["en", "en-US", "en-GB"].every((l) => engine.supportsLanguage(l))).toBe(true);
    expect(["de", "fr", "eng", "es-US"].some((l) => engine.supportsLanguage(l))).toBe(false);
  });
});
