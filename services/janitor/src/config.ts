import { baseEnv, workerEnv } from "@mp4t/runtime";
import { storesEnv } from "@mp4t/stores";
import { webhooksEnv } from "@mp4t/webhooks";
import { z } from "zod";

export const configSchema = z.object({
  ...baseEnv,
  ...workerEnv,
  ...storesEnv,
  ...webhooksEnv,
  /** Hours after a job ends before its upload and extracted audio are deleted (transcripts stay). */
  MEDIA_RETENTION_HOURS: z.coerce.number().min(0).default(24),
  /** Seconds between retention sweeps. */
  SWEEP_INTERVAL_SEC: z.coerce.number().int().min(1).default(300),
  /** Local scratch directories (ffmpeg, engines) older than this many hours are removed. */
  TEMP_MAX_AGE_HOURS: z.coerce.number().min(0).default(6),
  /**
   * Seconds without progress after which a queued or processing job whose stage has no work
   * message left is re-driven. Keep it above STAGE_DEADLINE_SEC of the workers.
   */
  REAPER_STALE_SEC: z.coerce.number().int().min(1).default(3600),
  /** Re-drives of one job before the reaper fails it with STAGE_TIMEOUT. */
  REAPER_MAX_REDRIVES: z.coerce.number().int().min(0).max(100).default(3),
  /**
   * Seconds between reaper passes; unset, a twelfth of REAPER_STALE_SEC between 10 s and 300 s
   * (5 minutes at the default hour). A pass reads every job record, so its cost grows with the
   * store: every minute, a store of 3,000 jobs cost more idle CPU than the rest of the system.
   */
  REAPER_INTERVAL_SEC: z.coerce.number().int().min(1).optional(),
});
export type JanitorConfig = z.infer<typeof configSchema>;

/** The reaper's interval: REAPER_INTERVAL_SEC, or a twelfth of REAPER_STALE_SEC within 10-300 s (a stalled job waits at most that much past its staleness). */
export const reaperIntervalSec = (c: Pick<JanitorConfig, "REAPER_INTERVAL_SEC" | "REAPER_STALE_SEC">) =>
  c.REAPER_INTERVAL_SEC ?? Math.min(300, Math.max(10, Math.round(c.REAPER_STALE_SEC / 12)));
