/** The JetStream client for scripts outside a package that depends on it (bench/scaling.bench.ts, bench/overhead). */
export { AckPolicy, RetentionPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
