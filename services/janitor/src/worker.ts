import type { Logger } from "@mp4t/platform";
import { startPipelineService, type PipelineDeps } from "@mp4t/stores";
import type { NatsConnection } from "@nats-io/transport-node";
import type { JanitorConfig } from "./config.ts";
import { cleanupHandler } from "./handlers/cleanup.handler.ts";
import { sweepExpiredMedia, sweepTempDirs } from "./sweeps.ts";

export const buildHandlers = (deps: PipelineDeps) => ({ cleanup: cleanupHandler(deps) });

/** The janitor: cleanup commands from the low lane, plus periodic retention and scratch sweeps. */
export async function startJanitor(ctx: { config: JanitorConfig; logger: Logger; nc: NatsConnection }) {
  const { config, logger } = ctx;
  const sweeps = { runs: 0, mediaExpired: 0, tempDirsRemoved: 0 };
  const runtime = await startPipelineService({ service: "janitor", ...ctx, handlers: buildHandlers, extraStats: () => ({ sweeps }) });
  const sweep = async () => {
    try {
      sweeps.mediaExpired += await sweepExpiredMedia(runtime.deps, config.MEDIA_RETENTION_HOURS * 3_600_000);
      sweeps.tempDirsRemoved += await sweepTempDirs(config.TEMP_MAX_AGE_HOURS * 3_600_000);
      sweeps.runs++;
    } catch (err) {
      logger.warn({ err }, "sweep failed; will try again next interval");
    }
  };
  const timer = setInterval(sweep, config.SWEEP_INTERVAL_SEC * 1000);
  void sweep();
  return {
    async stop(graceMs: number) {
      clearInterval(timer);
      await runtime.stop(graceMs);
    },
  };
}
