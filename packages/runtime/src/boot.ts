import type { z } from "zod";
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger, type Logger } from "./logger.ts";
import { initMetrics, metricsEndpoint, startMetricsServer } from "./metrics.ts";
import { startTelemetry, type Telemetry, type TelemetryConfig } from "./telemetry.ts";

/** The variables every service's schema has (config.ts `baseEnv`) that boot reads. */
export type ProcessConfig = TelemetryConfig & {
  NODE_ENV?: string | undefined;
  MP4T_PROFILE?: string | undefined;
  LOG_LEVEL: string;
  LOG_PRETTY?: boolean | undefined;
  SHUTDOWN_GRACE_SEC: number;
  METRICS_PORT?: number | undefined;
  METRICS_HOST: string;
};

/** EX_CONFIG: the supervisor does not restart a service that would fail the same way again. */
const EX_CONFIG = 78;

export function configFailure(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(EX_CONFIG);
}

/**
 * Config once (fail fast, every problem listed, `extraProblems` for checks beyond the schema),
 * then tracing first (everything after it runs with a tracer provider), metrics and the logger.
 * `env`: the service's own variables (the all-in-one process gives each service its own object).
 */
export function bootProcess<C extends ProcessConfig, S extends z.ZodType<C>>(
  service: string,
  schema: S,
  extraProblems: (config: z.infer<S>) => string[],
  env: NodeJS.ProcessEnv = process.env,
): { config: z.infer<S>; logger: Logger; telemetry: Telemetry } {
  let config: z.infer<S>;
  try {
    config = loadConfig(service, schema, env);
  } catch (err) {
    if (err instanceof ConfigError) configFailure(err.message);
    throw err;
  }
  const problems = extraProblems(config);
  if (problems.length) configFailure(new ConfigError(`${service} (production profile)`, problems).message);
  const telemetry = startTelemetry(service, config);
  initMetrics(service);
  const logger = createLogger(service, { level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  return { config, logger, telemetry };
}

/** Serves /metrics when the config asks for it. */
export async function serveMetrics(config: ProcessConfig, logger: Logger): Promise<void> {
  // All-in-one: one registry and one listener for the process; the first service opens it.
  if (config.METRICS_PORT === undefined || metricsEndpoint()) return;
  const metrics = await startMetricsServer(config.METRICS_PORT, config.METRICS_HOST);
  logger.info({ port: metrics.port }, "metrics on /metrics");
}

/** How a process reports its shutdown: the signal that started it, and a stop that failed. */
export type ShutdownLog = { signal(signal: string): void; failed(err: unknown): void };

/**
 * Takes SIGTERM and SIGINT from now on, before the process has started what it will stop: a
 * signal that arrives while it starts (a supervisor or test that stops it as soon as it logs
 * "started") is held and acted on the moment the returned `arm(stop)` is called, instead of
 * killing the process by the signal's default. Once armed, a signal runs `stop` once and exits 0
 * (1 if stop fails); a second signal exits at once.
 */
export function shutdownOnSignal(): (stop: () => Promise<void>, log?: ShutdownLog) => void {
  let pending: string | undefined;
  let armed: ((signal: string) => void) | undefined;
  let stopping = false;
  const handle = (signal: string) => {
    if (armed) return armed(signal);
    if (pending) process.exit(1); // a second signal while starting: at once
    pending = signal;
  };
  process.on("SIGTERM", () => handle("SIGTERM"));
  process.on("SIGINT", () => handle("SIGINT"));
  return (stop, log) => {
    armed = (signal) => {
      if (stopping) process.exit(1);
      stopping = true;
      log?.signal(signal);
      stop().then(
        () => process.exit(0),
        (err: unknown) => {
          if (log) log.failed(err);
          else process.stderr.write(`shutdown failed: ${String((err as Error)?.stack ?? err)}\n`);
          process.exit(1);
        },
      );
    };
    if (pending) armed(pending);
  };
}
