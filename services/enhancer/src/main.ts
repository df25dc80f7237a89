import { bootService } from "@mp4t/messaging";
import { configSchema } from "./config.ts";
import { startEnhancer } from "./worker.ts";

await bootService("enhancer", configSchema, startEnhancer);
