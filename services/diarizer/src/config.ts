import { baseEnv, envBool, workerEnv } from "@mp4t/runtime";
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
  /**
   * MFCC and clustering on a worker thread (about a second of CPU per 30 s of audio that would
   * otherwise hold the event loop). Unset: on in the all-in-one process, where that loop is every
   * service's (the gateway's HTTP answers too), off in a diarizer process of its own and in the
   * split layout's worker process (no gateway there; the thread's isolate would cost memory).
   */
  DIARIZE_THREAD: envBool.optional(),
  /** Set by scripts/all-in-one.ts: this service shares its process with the others (`split`: not with the gateway). */
  MP4T_PROCESSES: z.enum(["all-in-one", "separate", "split"]).optional(),
});
export type DiarizerConfig = z.infer<typeof configSchema>;
