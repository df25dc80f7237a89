import type { Logger } from "@mp4t/runtime";
import { startPipelineService, type PipelineDeps } from "@mp4t/pipeline";
import type { Connection } from "@mp4t/messaging";
import type { DiarizerConfig } from "./config.ts";
import { diarizeHandler } from "./handlers/diarize.handler.ts";

export const buildHandlers = (deps: PipelineDeps, opts: { maxSpeakers?: number; speakersLimit?: number } = {}) => ({ diarize: diarizeHandler(deps, opts) });

/** The diarizer: labels speakers once a job's chunks are transcribed, on the high lane. */
export async function startDiarizer(ctx: { config: DiarizerConfig; logger: Logger; nc: Connection }) {
  return startPipelineService({
    service: "diarizer",
    ...ctx,
    handlers: (deps) => buildHandlers(deps, { maxSpeakers: ctx.config.DIARIZE_MAX_SPEAKERS, speakersLimit: ctx.config.DIARIZE_SPEAKERS_LIMIT }),
    capabilities: { diarization: { available: true, maxSpeakers: ctx.config.DIARIZE_SPEAKERS_LIMIT } },
  });
}
