// Building blocks behind the ports (nats.js v3 internal_mod.ts), for tests, scripts, the test
// harness and the NATS store adapters' tooling: topology, the permission table, raw factories.
export { connectNats, parseNatsServers } from "./nats.ts";
export { NATS_USERS, inboxPrefix } from "./nats-permissions.ts";
export type { NatsUser } from "./nats-permissions.ts";
export { renderNatsServerConfig, deployNatsConfigs, natsPasswordHash, passwordEnv } from "./nats-permissions.config.ts";
export type { NatsServerConfigOptions, NatsPasswordRef, NatsTlsFiles } from "./nats-permissions.config.ts";
export { natsSecurityProblems, isProductionProfile } from "./nats-permissions.security.ts";
export { ensureTopology, streamConfigs, ensureFairConsumers, ensureConsumer } from "./topology.ts";
export { createPublisher } from "./publisher.ts";
export { createJobEvents } from "./job-events.ts";
export { createDeadLetters } from "./dead-letters.ts";
export { createQueueInspector } from "./queue-inspector.ts";
export { createDiscovery } from "./discovery.ts";
export { createWorker } from "./worker.ts";
export { createQueueEstimator } from "./queue-estimate.ts";
export { directBatch } from "./stream-read.ts";
export { pullNow, parseAckSubject } from "./pull-now.ts";
