import { bootService } from "@mp4t/messaging";
import { configSchema } from "./config.ts";
import { startIngest } from "./worker.ts";

await bootService("ingest", configSchema, startIngest);
