import { bootService } from "@mp4t/platform";
import { configSchema } from "./config.ts";
import { startIngest } from "./worker.ts";

await bootService("ingest", configSchema, startIngest);
