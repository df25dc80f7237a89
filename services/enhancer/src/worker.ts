import type { Logger } from "@mp4t/runtime";
import { startPipelineService, type PipelineDeps } from "@mp4t/pipeline";
import type { Connection } from "@mp4t/messaging";
import { createChatProvider } from "./adapters/chat.adapter.ts";
import { createLocalProvider } from "./adapters/local.adapter.ts";
import type { EnhancerConfig } from "./config.ts";
import { enhanceHandler, enhancementCapabilities } from "./handlers/enhance.handler.ts";
import type { EnhancementProvider } from "./ports.ts";

/** The provider ENHANCE_PROVIDER names, from the config's credentials and limits (checked by the schema). */
export async function buildProvider(config: EnhancerConfig): Promise<EnhancementProvider> {
  const limits = { maxInputChars: config.ENHANCE_MAX_INPUT_CHARS, maxOutputTokens: config.ENHANCE_MAX_OUTPUT_TOKENS };
  const common = { timeoutMs: config.ENHANCE_TIMEOUT_SEC * 1000, temperature: config.ENHANCE_TEMPERATURE };
  switch (config.ENHANCE_PROVIDER) {
    // Provider SDKs load only when configured (about 8 MiB each).
    case "openai": {
      const { createOpenAiChatModel } = await import("./adapters/openai-chat.adapter.ts");
      return createChatProvider(
        createOpenAiChatModel({
          // OpenAI-compatible local servers usually ignore the key, but the SDK wants one.
          apiKey: config.OPENAI_API_KEY ?? "unused",
          baseURL: config.ENHANCE_OPENAI_BASE_URL ?? config.OPENAI_BASE_URL,
          organization: config.OPENAI_ORG_ID,
          project: config.OPENAI_PROJECT_ID,
          model: config.ENHANCE_OPENAI_MODEL,
          ...common,
        }),
        limits,
      );
    }
    case "huggingface": {
      const { createHuggingFaceChatModel } = await import("./adapters/huggingface-chat.adapter.ts");
      return createChatProvider(
        createHuggingFaceChatModel({
          token: config.HF_TOKEN,
          endpointUrl: config.ENHANCE_HF_ENDPOINT_URL,
          model: config.ENHANCE_HF_MODEL,
          ...common,
        }),
        limits,
      );
    }
    case "local":
      return createLocalProvider();
  }
}

export const buildHandlers = (deps: PipelineDeps, provider: EnhancementProvider = createLocalProvider()) => ({
  enhance: enhanceHandler({ ...deps, provider }),
});

/** The enhancer: sentences, paragraphs and requested enhancements; completes jobs, on the default lane. */
export async function startEnhancer(ctx: { config: EnhancerConfig; logger: Logger; nc: Connection }) {
  const provider = await buildProvider(ctx.config);
  return startPipelineService({
    service: "enhancer",
    ...ctx,
    handlers: (deps) => buildHandlers(deps, provider),
    extraStats: () => ({ enhanceProvider: provider.name }),
    capabilities: { enhancements: enhancementCapabilities(provider) },
  });
}
