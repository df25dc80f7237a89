import { baseEnv, workerEnv } from "@mp4t/runtime";
import { storesEnv } from "@mp4t/stores";
import { z } from "zod";

export const configSchema = z.object({
  ...baseEnv,
  ...workerEnv,
  ...storesEnv,
  /** Upper bound on speakers when a job does not say how many there are. */
  DIARIZE_MAX_SPEAKERS: z.coerce.number().int().min(1).max(20).default(8),
  /**
   * Most speakers a job may ask for (`speakers`, `minSpeakers`, `maxSpeakers`); more is refused at
   * upload with OPTION_UNSUPPORTED. Advertised in GET /v1/capabilities as `diarization.maxSpeakers`.
   */
  DIARIZE_SPEAKERS_LIMIT: z.coerce.number().int().min(1).max(20).default(20),
});
export type DiarizerConfig = z.infer<typeof configSchema>;
