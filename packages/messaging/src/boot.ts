import type { ServiceName } from "@mp4t/contracts";
import type { NatsConnection } from "@nats-io/transport-node";
import type { z } from "zod";
import { ConfigError } from "@mp4t/contracts";
import { bootProcess, configFailure, maskUrlCredentials, shutdownOnSignal, serveMetrics, serviceScope, type Logger, type ProcessConfig } from "@mp4t/runtime";
import { connectNats, NatsAuthError, NatsTlsError } from "./nats.ts";
import { streamsNeeded } from "./nats-permissions.ts";
import { awaitStreams } from "./nats-permissions.topology.ts";
import { isProductionProfile, natsSecurityProblems } from "./nats-permissions.security.ts";

type BaseConfig = ProcessConfig & {
  NATS_URL: string;
  NATS_USER?: string | undefined;
  NATS_PASSWORD?: string | undefined;
  NATS_TLS_CA_FILE?: string | undefined;
  NATS_TLS_CERT_FILE?: string | undefined;
  NATS_TLS_KEY_FILE?: string | undefined;
};

type Running = { stop(graceMs: number): Promise<void> };

/** One service as its main.ts boots it: name, env schema and start (also what the all-in-one process runs). */
export type ServiceDefinition<S extends z.ZodType<BaseConfig> = z.ZodType<BaseConfig>> = {
  name: ServiceName;
  schema: S;
  start: (ctx: { config: z.infer<S>; logger: Logger; nc: NatsConnection }) => Promise<Running>;
};

export const defineService = <S extends z.ZodType<BaseConfig>>(d: ServiceDefinition<S>): ServiceDefinition => d as unknown as ServiceDefinition;

/** A started service: `stop` drains its work and its own NATS connection. */
export type StartedService = { name: ServiceName; logger: Logger; stop(): Promise<void> };

/**
 * Config from `env` (fail fast, every problem listed), logger, its OWN NATS connection with its own
 * user, then the service's start. Throws on failure (see `exitOnStartFailure`); `onFatal` is called
 * if the connection closes for good later (credentials revoked or changed while running).
 */
export async function startService(
  def: ServiceDefinition,
  env: NodeJS.ProcessEnv,
  onFatal: (reason: string) => void,
): Promise<StartedService & { shutdownTelemetry(): Promise<void> }> {
  const service = def.name;
  const { config, logger, telemetry } = bootProcess(service, def.schema, (c) => (isProductionProfile(c) ? natsSecurityProblems(c) : []), env);
  const natsUser = config.NATS_USER ?? service;
  try {
    await serveMetrics(config, logger);
    const tls =
      config.NATS_TLS_CA_FILE || config.NATS_TLS_CERT_FILE
        ? { caFile: config.NATS_TLS_CA_FILE, certFile: config.NATS_TLS_CERT_FILE, keyFile: config.NATS_TLS_KEY_FILE }
        : undefined;
    const nc = await connectNats({ servers: config.NATS_URL, name: service, logger, user: natsUser, password: config.NATS_PASSWORD, tls });
    void nc.closed().then((err) => {
      if (err) {
        logger.fatal({ err: String((err as Error).message) }, "NATS connection closed for good");
        onFatal(`${service}: NATS connection closed for good`);
      }
    });
    if (service !== "gateway" && config.NATS_PASSWORD) {
      // A worker's user may not create streams or buckets: wait for the gateway's (or npm start's).
      const stores = config as { JOB_STORE?: string; BLOB_STORE?: string };
      await awaitStreams(nc, streamsNeeded(service, { kv: stores.JOB_STORE === "nats", obj: stores.BLOB_STORE === "nats" }), logger);
    }
    const running = await def.start({ config, logger, nc });
    const blobs = config as { BLOB_STORE?: string; BLOB_DIR?: string };
    logger.info(
      {
        nats: maskUrlCredentials(config.NATS_URL),
        natsUser,
        ...(blobs.BLOB_STORE ? { blobStore: blobs.BLOB_STORE } : {}),
        ...(blobs.BLOB_DIR ? { blobDir: blobs.BLOB_DIR } : {}),
      },
      `${service} started`,
    );
    return {
      name: service,
      logger,
      async stop() {
        await running.stop(config.SHUTDOWN_GRACE_SEC * 1000);
        await nc.drain().catch(() => undefined);
      },
      shutdownTelemetry: () => telemetry.shutdown(),
    };
  } catch (err) {
    throw Object.assign(new Error(`${service} failed to start`, { cause: err }), { logger });
  }
}

/**
 * Several services in this one process (the all-in-one process, scripts/all-in-one.ts), started
 * concurrently (workers wait for the streams the gateway creates), each inside its own
 * `serviceScope` so its connection, timers and server keep it (spans go to its own tracer).
 * `envOf` gives each service its own environment; a start failure rejects with the service's name.
 */
export async function startServices(
  defs: ServiceDefinition[],
  envOf: (name: ServiceName) => NodeJS.ProcessEnv,
  onFatal: (reason: string) => void,
): Promise<{ services: StartedService[]; stop(): Promise<void> }> {
  const services = await Promise.all(
    defs.map((def) =>
      serviceScope.run(def.name, () =>
        startService(def, envOf(def.name), onFatal).catch((err: unknown) => {
          throw Object.assign(err as Error, { service: def.name });
        }),
      ),
    ),
  );
  return {
    services,
    async stop() {
      await Promise.all(services.map((s) => s.stop()));
      await Promise.all(services.map((s) => s.shutdownTelemetry())); // flush the last spans
    },
  };
}

/** A start failure as a process exit: EX_CONFIG (78, not restarted) for settings, 1 otherwise. */
export function exitOnStartFailure(service: string, failure: unknown): never {
  const { cause: err, logger } = failure as Error & { logger?: Logger };
  if (err instanceof NatsAuthError || err instanceof NatsTlsError) configFailure(`${service}: ${err.message}`);
  // e.g. worker settings the production profile refuses: restarting would not help.
  if (err instanceof ConfigError) configFailure(err.message);
  if (logger) logger.fatal({ err: err ?? failure }, `${service} failed to start`);
  else process.stderr.write(`${service} failed to start: ${String((failure as Error)?.stack ?? failure)}\n`);
  process.exit(1);
}

/**
 * The whole of a service's main.ts: the service alone in its process, configured from process.env;
 * SIGTERM/SIGINT stop it and drain NATS.
 */
export async function bootService(def: ServiceDefinition): Promise<void> {
  const arm = shutdownOnSignal(); // before start: a SIGTERM right after "started" is logged is not lost
  let started: Awaited<ReturnType<typeof startService>>;
  try {
    started = await startService(def, process.env, () => process.exit(1));
  } catch (err) {
    exitOnStartFailure(def.name, err);
  }
  arm(
    async () => {
      await started.stop();
      await started.shutdownTelemetry(); // flush the last spans
    },
    {
      signal: (signal) => started.logger.info({ signal }, "shutting down"),
      failed: (err) => started.logger.error({ err }, "shutdown failed"),
    },
  );
}
