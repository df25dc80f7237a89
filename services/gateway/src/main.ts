import { bootService } from "@mp4t/messaging";
import { service } from "./service.ts";

await bootService(service);
