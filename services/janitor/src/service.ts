import { defineService } from "@mp4t/messaging";
import { configSchema } from "./config.ts";
import { startJanitor } from "./worker.ts";

/** What main.ts boots alone and the all-in-one process (scripts/all-in-one.ts) boots beside the others. */
export const service = defineService({ name: "janitor", schema: configSchema, start: startJanitor });
