import type { Logger } from "@mp4t/runtime";
import { startPipelineService, type PipelineDeps } from "@mp4t/pipeline";
import type { Connection } from "@mp4t/messaging";
import { ingestSettings, type IngestConfig } from "./config.ts";
import { decodeShape, ingestHandler } from "./handlers/ingest.handler.ts";
import { checkMediaTools } from "./adapters/ffmpeg.adapter.ts";

export const buildHandlers = (deps: PipelineDeps, config: IngestConfig) => ({
  ingest: ingestHandler({ ...deps, settings: ingestSettings(config) }),
});

/** Ingest: validates uploads and fans their audio out as chunks on the critical lane. */
export async function startIngest(ctx: { config: IngestConfig; logger: Logger; nc: Connection }) {
  const settings = ingestSettings(ctx.config);
  await checkMediaTools(settings.ffmpeg, decodeShape(settings));
  return startPipelineService({
    service: "ingest",
    ...ctx,
    handlers: (deps) => buildHandlers(deps, ctx.config),
    capabilities: { maxDurationSec: ctx.config.MAX_DURATION_SEC },
  });
}
