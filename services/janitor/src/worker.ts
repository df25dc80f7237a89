import type { Logger } from "@mp4t/runtime";
import { startPipelineService, type PipelineDeps } from "@mp4t/stores";
import type { Connection } from "@mp4t/messaging";
import type { JanitorConfig } from "./config.ts";
import { cleanupHandler } from "./handlers/cleanup.handler.ts";
import { reapStalled } from "./reaper.ts";
import { sweepExpiredMedia, sweepTempDirs } from "./sweeps.ts";

export const buildHandlers = (deps: PipelineDeps) => ({ cleanup: cleanupHandler(deps) });

/** Runs `task` now and every `ms`, never two at once; a failure is logged and retried next time. */
function every(ms: number, logger: Logger, name: string, task: () => Promise<void>) {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= task()
      .catch((err: unknown) => logger.warn({ err }, `${name} failed; will try again next interval`))
      .finally(() => (running = undefined));
  };
  const timer = setInterval(tick, ms);
  tick();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** The janitor: cleanup commands from the low lane, periodic retention and scratch sweeps, the stuck-job reaper. */
export async function startJanitor(ctx: { config: JanitorConfig; logger: Logger; nc: Connection }) {
  const { config, logger } = ctx;
  const sweeps = { runs: 0, mediaExpired: 0, tempDirsRemoved: 0 };
  const reaper = { runs: 0, stalled: 0, redriven: 0, failed: 0, waiting: 0 };
  const runtime = await startPipelineService({ service: "janitor", ...ctx, handlers: buildHandlers, extraStats: () => ({ sweeps, reaper }) });
  const stageMessages = runtime.ports.queues.stored;

  const stopSweeps = every(config.SWEEP_INTERVAL_SEC * 1000, logger, "sweep", async () => {
    sweeps.mediaExpired += await sweepExpiredMedia(runtime.deps, config.MEDIA_RETENTION_HOURS * 3_600_000);
    sweeps.tempDirsRemoved += await sweepTempDirs(config.TEMP_MAX_AGE_HOURS * 3_600_000);
    sweeps.runs++;
  });
  const stopReaper = every(config.REAPER_INTERVAL_SEC * 1000, logger, "reaper", async () => {
    const r = await reapStalled(
      { ...runtime.deps, stageMessages },
      { staleMs: config.REAPER_STALE_SEC * 1000, maxRedrives: config.REAPER_MAX_REDRIVES },
    );
    reaper.runs++;
    reaper.stalled = r.stalled;
    reaper.waiting = r.waiting;
    reaper.redriven += r.redriven;
    reaper.failed += r.failed;
  });
  return {
    async stop(graceMs: number) {
      await Promise.all([stopSweeps(), stopReaper()]);
      await runtime.stop(graceMs);
    },
  };
}
