import type { Logger } from "@mp4t/runtime";
import { startPipelineService, type PipelineDeps } from "@mp4t/pipeline";
import type { Connection } from "@mp4t/messaging";
import type { DiarizerConfig } from "./config.ts";
import { inlineRunner, threadRunner, type DiarizeRunner } from "./diarization/diarize-thread.ts";
import { diarizeHandler } from "./handlers/diarize.handler.ts";

export const buildHandlers = (deps: PipelineDeps, opts: { maxSpeakers?: number; speakersLimit?: number; runner?: DiarizeRunner } = {}) => ({
  diarize: diarizeHandler(deps, opts),
});

/** The diarizer: labels speakers once a job's chunks are transcribed, on the high lane. */
export async function startDiarizer(ctx: { config: DiarizerConfig; logger: Logger; nc: Connection }) {
  const runner = (ctx.config.DIARIZE_THREAD ?? ctx.config.MP4T_PROCESSES === "all-in-one") ? threadRunner() : inlineRunner;
  const running = await startPipelineService({
    service: "diarizer",
    ...ctx,
    handlers: (deps) => buildHandlers(deps, { maxSpeakers: ctx.config.DIARIZE_MAX_SPEAKERS, speakersLimit: ctx.config.DIARIZE_SPEAKERS_LIMIT, runner }),
    capabilities: { diarization: { available: true, maxSpeakers: ctx.config.DIARIZE_SPEAKERS_LIMIT } },
  });
  return {
    ...running,
    async stop(graceMs: number) {
      await running.stop(graceMs);
      await runner.close();
    },
  };
}
