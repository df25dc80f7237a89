import type { ServiceName } from "@mp4t/contracts";
import type { NatsConnection } from "@nats-io/transport-node";
import type { z } from "zod";
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger, type Logger } from "./logger.ts";
import { initMetrics, startMetricsServer } from "./metrics.ts";
import { connectNats } from "./nats.ts";
import { onShutdown } from "./runtime.ts";
import { startTelemetry, type TelemetryConfig } from "./telemetry.ts";

type BaseConfig = TelemetryConfig & {
  NATS_URL: string; LOG_LEVEL: string; LOG_PRETTY?: boolean | undefined; SHUTDOWN_GRACE_SEC: number;
  METRICS_PORT?: number | undefined; METRICS_HOST: string;
};

/**
 * The whole of a service's main.ts: config once (fail fast, every problem listed), logger,
 * NATS with reconnects, then the service's own start; SIGTERM/SIGINT stop it and drain NATS.
 */
export async function bootService<S extends z.ZodType<BaseConfig>>(
  service: ServiceName,
  schema: S,
  start: (ctx: { config: z.infer<S>; logger: Logger; nc: NatsConnection }) => Promise<{ stop(graceMs: number): Promise<void> }>,
): Promise<void> {
  let config: z.infer<S>;
  try {
    config = loadConfig(service, schema);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  // Tracing first: everything after it (connections, handlers) runs with a tracer provider.
  const telemetry = startTelemetry(service, config);
  initMetrics(service);
  const logger = createLogger(service, { level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  try {
    if (config.METRICS_PORT !== undefined) {
      const metrics = await startMetricsServer(config.METRICS_PORT, config.METRICS_HOST);
      logger.info({ port: metrics.port }, "metrics on /metrics");
    }
    const nc = await connectNats({ servers: config.NATS_URL, name: service, logger });
    const running = await start({ config, logger, nc });
    onShutdown(logger, async () => {
      await running.stop(config.SHUTDOWN_GRACE_SEC * 1000);
      await nc.drain().catch(() => undefined);
      await telemetry.shutdown(); // flush the last spans
    });
    // Logged once SIGTERM is handled: a supervisor that reads "started" and stops the service at
    // once gets a clean drain, not Node's default exit on a signal nobody listens for yet.
    logger.info({ nats: config.NATS_URL }, `${service} started`);
  } catch (err) {
    if (err instanceof ConfigError) {
      // e.g. worker settings the production profile refuses: restarting would not help.
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    logger.fatal({ err }, `${service} failed to start`);
    process.exit(1);
  }
}
