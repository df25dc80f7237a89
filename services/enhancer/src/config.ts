import { baseEnv, workerEnv } from "@mp4t/platform";
import { storesEnv } from "@mp4t/stores";
import { z } from "zod";

export const configSchema = z.object({
  ...baseEnv,
  ...workerEnv,
  ...storesEnv,
});
export type EnhancerConfig = z.infer<typeof configSchema>;
