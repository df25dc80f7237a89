import { baseEnv, mediaEnv, mediaIdentity, workerEnv, type MediaIdentity } from "@mp4t/runtime";
import { storesEnv } from "@mp4t/stores";
import { z } from "zod";

export const configSchema = z.object({
  ...baseEnv,
  ...workerEnv,
  ...storesEnv,
  ...mediaEnv,
  /** Media longer than this many seconds is rejected with MEDIA_TOO_LONG (default 4 h). */
  MAX_DURATION_SEC: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 3600)
    .default(4 * 3600),
  /**
   * Longest chunk handed to a transcription engine, in seconds. Chunks are what transcriber
   * replicas share; 60 s keeps per-chunk costs (engine start, blob round trips) small next to the
   * work while a 10-minute recording still spreads over ten or more workers (bench/transcription).
   */
  CHUNK_MAX_SEC: z.coerce.number().min(1).max(600).default(60),
  /**
   * Shortest chunk the plan's shrinking tail goes down to, in seconds: near the end of a
   * recording each chunk is at most half of what remains, so the transcriber slots finish
   * together rather than one running a full chunk alone at the end. CHUNK_MAX_SEC turns it off.
   */
  CHUNK_MIN_TAIL_SEC: z.coerce.number().min(1).max(600).default(10),
  /**
   * A job of at most this many chunks (a short recording) has them all queued at once; a longer
   * one is chained: its first is queued, and each chunk queues the next as it starts while a slot
   * is free, else as it ends. A long recording then fills every free slot alone, yet keeps nothing
   * waiting ahead of its owner's other jobs in the transcribe queue once the slots are full.
   */
  TRANSCRIBE_WINDOW: z.coerce.number().int().min(1).max(1000).default(4),
  /** Seconds before each chunk limit searched for the quietest place to cut. */
  CHUNK_SEARCH_SEC: z.coerce.number().min(0).max(60).default(5),
  /** Seconds ffmpeg may take to list the upload's streams before the file is judged unreadable. */
  MEDIA_PROBE_TIMEOUT_SEC: z.coerce.number().positive().optional(),
  /** The name MEDIA_PROBE_TIMEOUT_SEC had while a separate ffprobe run listed the streams; still read. */
  FFPROBE_TIMEOUT_SEC: z.coerce.number().positive().optional(),
  FFMPEG_BIN: z.string().min(1).default("ffmpeg"),
});
export type IngestConfig = z.infer<typeof configSchema>;

/** What the ingest handler needs from the config, in the units it works in. */
export type IngestSettings = {
  maxDurationSec: number;
  chunkMaxSec: number;
  chunkSearchSec: number;
  chunkMinTailSec: number;
  /** A job of more chunks than this (TRANSCRIBE_WINDOW) is chained; absent: every chunk at once. */
  transcribeWindow?: number;
  ffmpeg: { ffmpegBin: string; probeTimeoutMs: number; runAs: MediaIdentity };
};

export const ingestSettings = (c: IngestConfig): IngestSettings => ({
  maxDurationSec: c.MAX_DURATION_SEC,
  chunkMaxSec: c.CHUNK_MAX_SEC,
  chunkSearchSec: Math.min(c.CHUNK_SEARCH_SEC, c.CHUNK_MAX_SEC / 2),
  chunkMinTailSec: Math.min(c.CHUNK_MIN_TAIL_SEC, c.CHUNK_MAX_SEC),
  transcribeWindow: c.TRANSCRIBE_WINDOW,
  ffmpeg: { ffmpegBin: c.FFMPEG_BIN, probeTimeoutMs: (c.MEDIA_PROBE_TIMEOUT_SEC ?? c.FFPROBE_TIMEOUT_SEC ?? 30) * 1000, runAs: mediaIdentity(c) },
});
