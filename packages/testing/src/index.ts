export { startNats, freePort } from "./nats-server.ts";
export type { NatsServer } from "./nats-server.ts";
export { silentLogger } from "./logger.ts";
