export { AppError, RetryableError, PermanentError, errorMessage } from "./errors.ts";
export { loadConfig, ConfigError, baseEnv, envBool, providerEnv, workerEnv, workerSettings } from "./config.ts";
export type { RuntimeSettings, WorkerEnvConfig } from "./config.ts";
export { bootProcess, configFailure, onShutdown, serveMetrics } from "./boot.ts";
export type { ProcessConfig } from "./boot.ts";
export { createLogger, maskUrlCredentials } from "./logger.ts";
export type { Logger } from "./logger.ts";
export { newId } from "./ids.ts";
export { PROFILES, PROFILE_NAMES, resolveProfile, selectProfile, applyOverrides, laneProblems, ProfileError } from "./profiles.ts";
export type { ProfileName, LaneSettings, ResolvedLane, ResolvedProfile, WorkerOverrides } from "./profiles.ts";
export { startTelemetry, activeTraceId, withJob, withJobContext, inSpan, annotateActiveSpan, tracer, startServerSpan } from "./telemetry.ts";
export type { Telemetry, TelemetryConfig, ServerSpan } from "./telemetry.ts";
export { MessagingAttr, Mp4tAttr, HttpAttr, MESSAGING_SYSTEM_NATS } from "./telemetry-attributes.ts";
export {
  registry as metricsRegistry, initMetrics, metricsText, startMetricsServer, metricsEndpoint, observeEngineRun, setLaneSource, stageSeries,
  httpRequests, httpDuration, uploadBytes, uploadDuration, uploadSize,
} from "./metrics.ts";
export type { LaneGaugeRow } from "./metrics.ts";
export { natsServerBin, toolBin, mediaEnv, mediaIdentity, mediaSpawnOptions, DEFAULT_MEDIA_IDENTITY } from "./toolchain.ts";
export type { MediaIdentity } from "./toolchain.ts";
export { malformedBody, parseRetryAfter, providerError, retryAfterHeader, retryAfterRecorder, withTimeout } from "./provider-errors.ts";
export type { ProviderFailure } from "./provider-errors.ts";
