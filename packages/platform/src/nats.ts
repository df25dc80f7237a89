import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "./logger.ts";

/** Connects with unlimited reconnects: a NATS restart must never take a service down. */
export async function connectNats(opts: { servers: string; name: string; logger: Logger }): Promise<NatsConnection> {
  const nc = await connect({
    servers: opts.servers.split(",").map((s) => s.trim()),
    name: opts.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    // Otherwise every request builds an Error up front for its stack (a few per cent of a
    // worker's CPU per job in profiles); failures still carry their names and codes.
    noAsyncTraces: true,
  });
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === "disconnect" || s.type === "reconnect" || s.type === "error") {
        opts.logger.warn({ natsStatus: s.type, server: "server" in s ? s.server : undefined }, "nats connection status");
      }
    }
  })();
  return nc;
}
