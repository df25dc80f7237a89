import { bootService } from "@mp4t/messaging";
import { configSchema } from "./config.ts";
import { startJanitor } from "./worker.ts";

await bootService("janitor", configSchema, startJanitor);
