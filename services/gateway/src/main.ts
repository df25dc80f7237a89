import { bootService } from "@mp4t/messaging";
import { configSchema } from "./config.ts";
import { startGateway } from "./server.ts";

await bootService("gateway", configSchema, startGateway);
