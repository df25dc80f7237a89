// The public surface of @mp4t/messaging (nats.js v3 mod.ts): the ports, the factory wiring code
// calls, the runner. Building blocks for tests, scripts and the test harness: ./internal.ts.
export { createMessagingPorts } from "./ports.ts";
export type { Connection, MessagingPorts, TransportProbe, WorkQueue } from "./ports.ts";
export { bootService, defineService, startService, startServices, exitOnStartFailure } from "./boot.ts";
export type { ServiceDefinition, StartedService } from "./boot.ts";
export { ensureTopologyOn, STREAM_MAX_CONSUMERS } from "./topology.ts";
export type { Publisher } from "./publisher.ts";
export { deadLetterJob } from "./dead-letters.ts";
export type { DeadLetters, DeadLetterEntry } from "./dead-letters.ts";
export type { JobEvents, StoredEvent, EventFeed } from "./job-events.ts";
export { watchJobEnd } from "./job-events.ts";
export type { CancelWatch } from "./job-events.ts";
export type { QueueInspector } from "./queue-inspector.ts";
export type { QueueSnapshot, QueueCell } from "./queue-snapshot.ts";
export type { StageBacklog, LaneView } from "./queue-views.ts";
export { instanceWorkers } from "./discovery.ts";
export type { AdvertisedCapabilities, Discovery, InstanceView } from "./discovery.ts";
export type { Handler, HandlerContext, Worker } from "./worker.ts";
export { startServiceRuntime } from "./service-runtime.ts";
export type { HandlerTable, ServiceRuntime } from "./service-runtime.ts";
export { observeLanes, workerInstrumentation } from "./instrumentation.ts";
export { isTransportOutage } from "./transport-outage.ts";
export { WEBHOOK_EVENTS_DURABLE } from "./nats-permissions.ts";
