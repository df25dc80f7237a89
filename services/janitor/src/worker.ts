import type { Logger } from "@mp4t/runtime";
import type { Connection } from "@mp4t/messaging";
import { startPipelineService, type PipelineDeps } from "@mp4t/pipeline";
import { createWebhookStore, targetSettings } from "@mp4t/webhooks";
import { reaperIntervalSec, type JanitorConfig } from "./config.ts";
import { cleanupHandler } from "./handlers/cleanup.handler.ts";
import { webhookHandler, type WebhookHandlerDeps } from "./handlers/webhook.handler.ts";
import { followJobEnds, publishDueAttempts } from "./webhooks/dispatch.ts";
import { startRetryScan, type RetryScan } from "./webhooks/retry-scan.ts";
import { reapStalled } from "./reaper.ts";
import { sweepExpiredMedia, sweepTempDirs } from "./sweeps.ts";

export const buildHandlers = (deps: PipelineDeps, webhooks: Omit<WebhookHandlerDeps, "logger">) => ({
  cleanup: cleanupHandler(deps),
  webhook: webhookHandler({ ...webhooks, logger: deps.logger }),
});

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

/**
 * The janitor: cleanup commands and webhook deliveries from the low lane, periodic retention and
 * scratch sweeps, the stuck-job reaper, job ends turned into webhook deliveries and due retries.
 */
export async function startJanitor(ctx: { config: JanitorConfig; logger: Logger; nc: Connection }) {
  const { config, logger } = ctx;
  const sweeps = { runs: 0, mediaExpired: 0, tempDirsRemoved: 0 };
  const reaper = { runs: 0, stalled: 0, redriven: 0, failed: 0, waiting: 0 };
  const store = await createWebhookStore(ctx.nc, config);
  const settings = {
    target: targetSettings(config),
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    scheduleMs: config.WEBHOOK_RETRY_SCHEDULE,
    disableAfterFailures: config.WEBHOOK_DISABLE_AFTER_FAILURES,
    disableAfterMs: config.WEBHOOK_DISABLE_AFTER_SEC * 1000,
  };
  // A failed attempt's retry brings the retry scan forward to its due time; the scan starts below,
  // and retries scheduled before it does are woken for once it has.
  let retries: RetryScan | undefined;
  const early: number[] = [];
  const runtime = await startPipelineService({
    service: "janitor",
    ...ctx,
    handlers: (deps) => buildHandlers(deps, { store, settings, onRetryScheduled: (at) => (retries ? retries.wake(at) : early.push(at)) }),
    extraStats: () => ({ sweeps, reaper }),
  });
  const dispatch = { store, jobs: runtime.deps.jobs, publisher: runtime.deps.publisher, logger };
  const jobEnds = await followJobEnds(runtime.ports.events, dispatch);
  const retryScan = startRetryScan({ baseMs: config.WEBHOOK_RETRY_POLL_MS, logger, scan: () => publishDueAttempts(dispatch) });
  retries = retryScan;
  for (const at of early.splice(0)) retryScan.wake(at);
  const stageMessages = runtime.ports.queues.stored;

  const stopSweeps = every(config.SWEEP_INTERVAL_SEC * 1000, logger, "sweep", async () => {
    sweeps.mediaExpired += await sweepExpiredMedia(runtime.deps, config.MEDIA_RETENTION_HOURS * 3_600_000);
    sweeps.tempDirsRemoved += await sweepTempDirs(config.TEMP_MAX_AGE_HOURS * 3_600_000);
    sweeps.runs++;
  });
  const stopReaper = every(reaperIntervalSec(config) * 1000, logger, "reaper", async () => {
    const r = await reapStalled({ ...runtime.deps, stageMessages }, { staleMs: config.REAPER_STALE_SEC * 1000, maxRedrives: config.REAPER_MAX_REDRIVES });
    reaper.runs++;
    reaper.stalled = r.stalled;
    reaper.waiting = r.waiting;
    reaper.redriven += r.redriven;
    reaper.failed += r.failed;
  });
  return {
    async stop(graceMs: number) {
      await Promise.all([stopSweeps(), stopReaper(), retryScan.stop(), jobEnds.stop()]);
      await runtime.stop(graceMs);
      await store.close();
    },
  };
}
