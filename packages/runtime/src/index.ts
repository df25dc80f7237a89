export { loadConfig, baseEnv, envBool, providerEnv, workerEnv, workerSettings } from "./config.ts";
export type { RuntimeSettings, WorkerEnvConfig } from "./config.ts";
export { bootProcess, configFailure, shutdownOnSignal, serveMetrics } from "./boot.ts";
export type { ProcessConfig } from "./boot.ts";
export { createLogger, maskUrlCredentials } from "./logger.ts";
export type { Logger } from "./logger.ts";
export { PROFILES, PROFILE_NAMES, selectProfile } from "./profiles.ts";
export { serviceScope, startTelemetry, withJobContext, inSpan, tracer, startServerSpan } from "./telemetry.ts";
export type { ServerSpan } from "./telemetry.ts";
export { MessagingAttr, Mp4tAttr, MESSAGING_SYSTEM_NATS } from "./telemetry-attributes.ts";
export {
  metricsText,
  metricsEndpoint,
  lagMonitor,
  observeEngineRun,
  addLaneSource,
  addDiskFreeSource,
  stageSeries,
  httpRequests,
  httpDuration,
  uploadBytes,
  uploadDuration,
  uploadSize,
} from "./metrics.ts";
export { natsServerBin, toolBin, mediaEnv, mediaIdentity, mediaSpawnOptions, DEFAULT_MEDIA_IDENTITY } from "./toolchain.ts";
export type { MediaIdentity } from "./toolchain.ts";
export { malformedBody, providerError, retryAfterHeader, retryAfterRecorder, withTimeout } from "./provider-errors.ts";
export { nodeFetch, multipartBody, formReleased } from "./http-fetch.ts";
export { providerPost, providerUrl, openAiAccountHeaders, OPENAI_BASE_URL, MAX_PROVIDER_ANSWER_BYTES } from "./provider-post.ts";
export { spareArray } from "./spare-array.ts";
export { relaySpawn, SPAWN_RELAY_SCRIPT } from "./spawn-relay.ts";
export type { RelayedChild, RelaySpawnOptions } from "./spawn-relay.ts";
