import type { EngineCapability } from "@mp4t/contracts";
import { PermanentError } from "@mp4t/contracts";
import type { TranscriptionEngine } from "./ports.ts";

/** Engines this build can construct; TRANSCRIBE_ENGINE must name one. */
export const ENGINE_NAMES = ["pocketsphinx", "openai", "huggingface"] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export type EngineRegistry = {
  readonly defaultName: string;
  names(): string[];
  /** Every engine's advertised traits, for service discovery and the option check. */
  capabilities(): EngineCapability[];
  /** The job's engine if it names one, else the default; ENGINE_UNKNOWN for a name not configured. */
  select(requested?: string): TranscriptionEngine;
};

export function createEngineRegistry(engines: TranscriptionEngine[], defaultName: string): EngineRegistry {
  const byName = new Map(engines.map((e) => [e.name, e]));
  if (byName.size !== engines.length) throw new Error("two transcription engines share a name");
  if (!byName.has(defaultName)) throw new Error(`default transcription engine "${defaultName}" is not configured`);
  return {
    defaultName,
    names: () => [...byName.keys()],
    capabilities: () => engines.map((e) => ({ id: e.name, default: e.name === defaultName, ...e.capability })),
    select(requested) {
      const engine = byName.get(requested ?? defaultName);
      if (!engine) {
        throw new PermanentError("ENGINE_UNKNOWN", `no transcription engine "${requested}"; available: ${[...byName.keys()].join(", ")}`);
      }
      return engine;
    },
  };
}
