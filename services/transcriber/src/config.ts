import { baseEnv, workerEnv } from "@mp4t/platform";
import { storesEnv } from "@mp4t/stores";
import { z } from "zod";
import { ENGINE_NAMES } from "./engine.registry.ts";

const optionalPath = z.string().min(1).optional();

export const configSchema = z.object({
  ...baseEnv,
  ...workerEnv,
  ...storesEnv,
  /** Engine used when a job does not name one. */
  TRANSCRIBE_ENGINE: z.enum(ENGINE_NAMES).default("pocketsphinx"),
  POCKETSPHINX_BIN: z.string().min(1).default("pocketsphinx_continuous"),
  /** Acoustic model directory; the pocketsphinx-en-us package's model when unset. */
  POCKETSPHINX_HMM: optionalPath,
  /** Language model file; the package default when unset. */
  POCKETSPHINX_LM: optionalPath,
  /** Pronunciation dictionary; the package default when unset. */
  POCKETSPHINX_DICT: optionalPath,
});
export type TranscriberConfig = z.infer<typeof configSchema>;
