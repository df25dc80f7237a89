import { bootService } from "@mp4t/messaging";
import { configSchema } from "./config.ts";
import { startTranscriber } from "./worker.ts";

await bootService("transcriber", configSchema, startTranscriber);
