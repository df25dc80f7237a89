import { bootService } from "@mp4t/platform";
import { configSchema } from "./config.ts";
import { startEnhancer } from "./worker.ts";

await bootService("enhancer", configSchema, startEnhancer);
