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
  /** Seconds between reaper passes. */
  REAPER_INTERVAL_SEC: z.coerce.number().int().min(1).default(60),
});
export type JanitorConfig = z.infer<typeof configSchema>;
