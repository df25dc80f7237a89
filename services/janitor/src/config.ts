import { baseEnv, workerEnv } from "@mp4t/platform";
import { storesEnv } from "@mp4t/stores";
import { z } from "zod";

export const configSchema = z.object({
  ...baseEnv,
  ...workerEnv,
  ...storesEnv,
  /** Hours after a job ends before its upload and extracted audio are deleted (transcripts stay). */
  MEDIA_RETENTION_HOURS: z.coerce.number().min(0).default(24),
  /** Seconds between retention sweeps. */
  SWEEP_INTERVAL_SEC: z.coerce.number().int().min(1).default(300),
  /** Local scratch directories (ffmpeg, engines) older than this many hours are removed. */
  TEMP_MAX_AGE_HOURS: z.coerce.number().min(0).default(6),
});
export type JanitorConfig = z.infer<typeof configSchema>;
