import type { Logger } from "@mp4t/platform";
import { startPipelineService, type PipelineDeps } from "@mp4t/stores";
import type { NatsConnection } from "@nats-io/transport-node";
import type { EnhancerConfig } from "./config.ts";
import { enhanceHandler } from "./handlers/enhance.handler.ts";

export const buildHandlers = (deps: PipelineDeps) => ({ enhance: enhanceHandler(deps) });

/** The enhancer: sentences, paragraphs and requested enhancements; completes jobs, on the default lane. */
export async function startEnhancer(ctx: { config: EnhancerConfig; logger: Logger; nc: NatsConnection }) {
  return startPipelineService({ service: "enhancer", ...ctx, handlers: buildHandlers });
}
