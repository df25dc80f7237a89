export { buildApp } from "./app.ts";
export type { GatewayDeps, HttpStats } from "./app.ts";
export { configSchema, registrationMode } from "./config.ts";
export { gatewaySecurityProblems, isProduction } from "./security/security-problems.ts";
export { weakSecretProblem, OLD_DEV_JWT_SECRET } from "./security/secret-strength.ts";
export type { GatewayConfig } from "./config.ts";
export { startGateway } from "./server.ts";
export { HTTP_STATUS } from "./errors/http-status.ts";
