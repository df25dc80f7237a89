/** The JetStream client for scripts outside a package that depends on it (bench/scaling.bench.ts). */
export { jetstream, jetstreamManager } from "@nats-io/jetstream";
