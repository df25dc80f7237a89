import { bootService } from "@mp4t/platform";
import { configSchema } from "./config.ts";
import { startJanitor } from "./worker.ts";

await bootService("janitor", configSchema, startJanitor);
