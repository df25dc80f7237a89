export { AppError, RetryableError, PermanentError, errorMessage } from "./errors.ts";
export { loadConfig, ConfigError, baseEnv, envBool, providerEnv, workerEnv, workerSettings } from "./config.ts";
export { bootService } from "./boot.ts";
export { createLogger } from "./logger.ts";
export type { Logger } from "./logger.ts";
export { newId } from "./ids.ts";
export { connectNats } from "./nats.ts";
export { ensureTopology, streamConfigs, ensureFairConsumers, describeLanes, STREAM_MAX_CONSUMERS } from "./topology.ts";
export type { TopologyOptions, FairConsumer, LaneView } from "./topology.ts";
export { PROFILES, PROFILE_NAMES, resolveProfile, selectProfile, applyOverrides, laneProblems, ProfileError } from "./profiles.ts";
export type { ProfileName, LaneSettings, ResolvedLane, ResolvedProfile, WorkerOverrides } from "./profiles.ts";
export type { RuntimeSettings, WorkerEnvConfig } from "./config.ts";
export { createLaneScheduler } from "./lane-scheduler.ts";
export { createQueueEstimator } from "./queue-estimate.ts";
export type { QueueEstimator } from "./queue-estimate.ts";
export { createPublisher } from "./messaging.ts";
export type { Publisher } from "./messaging.ts";
export { backoffMs } from "./backoff.ts";
export { createDeadLetters, deadLetterJob } from "./dead-letters.ts";
export { watchJobEnd } from "./job-cancel.ts";
export type { CancelWatch } from "./job-cancel.ts";
export type { DeadLetters, DeadLetterEntry, DeadLetterPage, DeadLetterQuery, DeadLetterJob } from "./dead-letters.ts";
export { createWorker, ensureConsumer } from "./worker.ts";
export type { Handler, HandlerContext, Worker, WorkerOptions, WorkerStats, GiveUp, WorkerInstrumentation, WorkerOutcome } from "./worker.ts";
export { checkHandlerTable, registerInstance, startServiceRuntime, onShutdown, laneOptions } from "./runtime.ts";
export type { HandlerTable, ServiceRuntime, WorkerSettings, InstanceInfo } from "./runtime.ts";
export { startTelemetry, injectTraceContext, extractTraceContext, activeTraceId, withJob, tracePublish, annotateActiveSpan, tracer, startServerSpan } from "./telemetry.ts";
export type { Telemetry, TelemetryConfig, ServerSpan } from "./telemetry.ts";
export { MessagingAttr, Mp4tAttr, HttpAttr, MESSAGING_SYSTEM_NATS } from "./telemetry-attributes.ts";
export {
  registry as metricsRegistry, initMetrics, metricsText, startMetricsServer, metricsEndpoint, observeLanes, observeEngineRun,
  workerInstrumentation, httpRequests, httpDuration, uploadBytes, uploadDuration, uploadSize,
} from "./metrics.ts";
export { laneBacklog, laneStages, setLanePaused } from "./lane-stats.ts";
export type { StageBacklog } from "./lane-stats.ts";
export { natsServerBin, toolBin } from "./toolchain.ts";
export { isTransportOutage, TRANSPORT_OUTAGE_ERROR_NAMES } from "./transport-outage.ts";
export { malformedBody, parseRetryAfter, providerError, retryAfterHeader, retryAfterRecorder, withTimeout } from "./provider-errors.ts";
export type { ProviderFailure } from "./provider-errors.ts";
