import { ANY_LANGUAGE, WHISPER_LANGUAGES } from "@mp4t/contracts";
import { mediaIdentity, type Logger } from "@mp4t/runtime";
import { startPipelineService, type PipelineDeps } from "@mp4t/pipeline";
import type { Connection } from "@mp4t/messaging";
import { findPocketsphinxModels } from "./adapters/pocketsphinx-models.ts";
import { createPocketsphinxEngine } from "./adapters/pocketsphinx.adapter.ts";
import type { TranscriberConfig } from "./config.ts";
import { createEngineRegistry, type EngineRegistry } from "./engine.registry.ts";
import { transcribeHandler } from "./handlers/transcribe.handler.ts";
import type { TranscriptionEngine } from "./ports.ts";

/** The engines the config enables. Provider SDKs load only when configured (about 8 MiB each). */
export async function buildEngines(config: TranscriberConfig): Promise<EngineRegistry> {
  const own = config.POCKETSPHINX_HMM || config.POCKETSPHINX_LM || config.POCKETSPHINX_DICT;
  const models = own
    ? [{ language: config.POCKETSPHINX_LANGUAGE, hmm: config.POCKETSPHINX_HMM, lm: config.POCKETSPHINX_LM, dict: config.POCKETSPHINX_DICT }]
    : await findPocketsphinxModels(config.POCKETSPHINX_MODEL_DIR);
  const pocketsphinx = createPocketsphinxEngine({ bin: config.POCKETSPHINX_BIN, models, runAs: mediaIdentity(config) });
  const engines: TranscriptionEngine[] = [pocketsphinx];
  const maxUploadBytes = config.PROVIDER_MAX_UPLOAD_MB * 1024 * 1024;
  if (config.OPENAI_API_KEY || config.OPENAI_BASE_URL) {
    const { createOpenAiEngine } = await import("./adapters/openai.adapter.ts");
    engines.push(
      createOpenAiEngine({
        // OpenAI-compatible local servers usually ignore the key, but the SDK wants one.
        apiKey: config.OPENAI_API_KEY ?? "unused",
        baseURL: config.OPENAI_BASE_URL,
        organization: config.OPENAI_ORG_ID,
        project: config.OPENAI_PROJECT_ID,
        model: config.OPENAI_MODEL,
        languages: config.OPENAI_LANGUAGES,
        timeoutMs: config.OPENAI_TIMEOUT_SEC * 1000,
        maxUploadBytes,
      }),
    );
  }
  if (config.HF_TOKEN || config.HF_ENDPOINT_URL) {
    const { createHuggingFaceEngine } = await import("./adapters/huggingface.adapter.ts");
    engines.push(
      createHuggingFaceEngine({
        token: config.HF_TOKEN,
        endpointUrl: config.HF_ENDPOINT_URL,
        model: config.HF_MODEL,
        languages: hfLanguages(config),
        timeoutMs: config.HF_TIMEOUT_SEC * 1000,
        maxUploadBytes,
      }),
    );
  }
  return createEngineRegistry(engines, config.TRANSCRIBE_ENGINE);
}

/** HF_LANGUAGES, or Whisper's list for a Whisper checkpoint left at `*`. */
const hfLanguages = (c: TranscriberConfig) => (c.HF_LANGUAGES.includes(ANY_LANGUAGE) && /whisper/i.test(c.HF_MODEL) ? [...WHISPER_LANGUAGES] : c.HF_LANGUAGES);

export const buildHandlers = (deps: PipelineDeps, engines: EngineRegistry) => ({
  transcribe: transcribeHandler({ ...deps, engines }),
});

/** Transcriber: chunks from the high lane through the configured engines, fanned back in to diarize. */
export async function startTranscriber(ctx: { config: TranscriberConfig; logger: Logger; nc: Connection }) {
  const engines = await buildEngines(ctx.config);
  return startPipelineService({
    service: "transcriber",
    ...ctx,
    handlers: (deps) => buildHandlers(deps, engines),
    extraStats: () => ({ engines: engines.names(), defaultEngine: engines.defaultName }),
    capabilities: { engines: engines.capabilities() },
  });
}
