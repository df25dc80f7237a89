import type { ServiceName } from "@mp4t/contracts";
import type { NatsConnection } from "@nats-io/transport-node";
import type { z } from "zod";
import { ConfigError } from "@mp4t/contracts";
import { bootProcess, configFailure, maskUrlCredentials, onShutdown, serveMetrics, type Logger, type ProcessConfig } from "@mp4t/runtime";
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

/**
 * The whole of a service's main.ts: config once (fail fast, every problem listed), logger,
 * NATS with reconnects, then the service's own start; SIGTERM/SIGINT stop it and drain NATS.
 */
export async function bootService<S extends z.ZodType<BaseConfig>>(
  service: ServiceName,
  schema: S,
  start: (ctx: { config: z.infer<S>; logger: Logger; nc: NatsConnection }) => Promise<{ stop(graceMs: number): Promise<void> }>,
): Promise<void> {
  const { config, logger, telemetry } = bootProcess(service, schema, (c) => (isProductionProfile(c) ? natsSecurityProblems(c) : []));
  const natsUser = config.NATS_USER ?? service;
  try {
    await serveMetrics(config, logger);
    const tls =
      config.NATS_TLS_CA_FILE || config.NATS_TLS_CERT_FILE
        ? { caFile: config.NATS_TLS_CA_FILE, certFile: config.NATS_TLS_CERT_FILE, keyFile: config.NATS_TLS_KEY_FILE }
        : undefined;
    const nc = await connectNats({ servers: config.NATS_URL, name: service, logger, user: natsUser, password: config.NATS_PASSWORD, tls });
    // Credentials revoked or changed while running: exit, and the restart fails fast with the reason.
    void nc.closed().then((err) => {
      if (err) {
        logger.fatal({ err: String((err as Error).message) }, "NATS connection closed for good");
        process.exit(1);
      }
    });
    if (service !== "gateway" && config.NATS_PASSWORD) {
      // A worker's user may not create streams or buckets: wait for the gateway's (or npm start's).
      const stores = config as { JOB_STORE?: string; BLOB_STORE?: string };
      await awaitStreams(nc, streamsNeeded(service, { kv: stores.JOB_STORE === "nats", obj: stores.BLOB_STORE === "nats" }), logger);
    }
    const running = await start({ config, logger, nc });
    onShutdown(logger, async () => {
      await running.stop(config.SHUTDOWN_GRACE_SEC * 1000);
      await nc.drain().catch(() => undefined);
      await telemetry.shutdown(); // flush the last spans
    });
    // Logged once SIGTERM is handled: a supervisor that reads "started" and stops the service at
    // once gets a clean drain, not Node's default exit on a signal nobody listens for yet.
    logger.info({ nats: maskUrlCredentials(config.NATS_URL), natsUser }, `${service} started`);
  } catch (err) {
    if (err instanceof NatsAuthError || err instanceof NatsTlsError) configFailure(`${service}: ${err.message}`);
    if (err instanceof ConfigError) {
      // e.g. worker settings the production profile refuses: restarting would not help.
      configFailure(err.message);
    }
    logger.fatal({ err }, `${service} failed to start`);
    process.exit(1);
  }
}
