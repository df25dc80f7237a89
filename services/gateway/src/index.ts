export { buildApp } from "./app.ts";
export type { GatewayDeps, HttpStats } from "./app.ts";
export { configSchema, DEV_JWT_SECRET } from "./config.ts";
export type { GatewayConfig } from "./config.ts";
export { startGateway } from "./server.ts";
export { HTTP_STATUS } from "./errors/http-status.ts";
