export { configSchema } from "./config.ts";
export type { TranscriberConfig } from "./config.ts";
export { buildEngines, buildHandlers, startTranscriber } from "./worker.ts";
export { transcribeHandler, shiftWords } from "./handlers/transcribe.handler.ts";
export type { TranscribeDeps } from "./handlers/transcribe.handler.ts";
export { createEngineRegistry, ENGINE_NAMES } from "./engine.registry.ts";
export type { EngineRegistry, EngineName } from "./engine.registry.ts";
export { createPocketsphinxEngine } from "./adapters/pocketsphinx.adapter.ts";
export type { TranscriptionEngine } from "./ports.ts";
