import type { Logger } from "@mp4t/platform";
import { startPipelineService, type PipelineDeps } from "@mp4t/stores";
import type { NatsConnection } from "@nats-io/transport-node";
import { createPocketsphinxEngine } from "./adapters/pocketsphinx.adapter.ts";
import type { TranscriberConfig } from "./config.ts";
import { createEngineRegistry, type EngineRegistry } from "./engine.registry.ts";
import { transcribeHandler } from "./handlers/transcribe.handler.ts";

export function buildEngines(config: TranscriberConfig): EngineRegistry {
  const pocketsphinx = createPocketsphinxEngine({
    bin: config.POCKETSPHINX_BIN, hmm: config.POCKETSPHINX_HMM, lm: config.POCKETSPHINX_LM, dict: config.POCKETSPHINX_DICT,
  });
  return createEngineRegistry([pocketsphinx], config.TRANSCRIBE_ENGINE);
}

export const buildHandlers = (deps: PipelineDeps, engines: EngineRegistry) => ({
  transcribe: transcribeHandler({ ...deps, engines }),
});

/** Transcriber: chunks from the high lane through the configured engines, fanned back in to diarize. */
export async function startTranscriber(ctx: { config: TranscriberConfig; logger: Logger; nc: NatsConnection }) {
  const engines = buildEngines(ctx.config);
  return startPipelineService({
    service: "transcriber", ...ctx,
    handlers: (deps) => buildHandlers(deps, engines),
    extraStats: () => ({ engines: engines.names(), defaultEngine: engines.defaultName }),
  });
}
