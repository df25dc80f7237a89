import { bootService } from "@mp4t/messaging";
import { configSchema } from "./config.ts";
import { startDiarizer } from "./worker.ts";

await bootService("diarizer", configSchema, startDiarizer);
