import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// Narrow entry points: the supervisor stays resident all along, and the full contracts, runtime and messaging
// (zod, NATS clients, OpenTelemetry, prom-client) would weigh some 60 MiB in it.
import { SERVICE_NAMES, type ServiceName } from "@mp4t/contracts/subjects";
import { memoryReducerFor, semiSpaceFor, supervise } from "./supervise.mjs";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

export const isServiceName = (s: string): s is ServiceName => (SERVICE_NAMES as readonly string[]).includes(s);

export const serviceEntry = (name: ServiceName) => join(ROOT, "services", name, "src", "main.ts");

/** Keeps one service process running (scripts/supervise.mjs: restarts with backoff, stops with SIGTERM). */
export function superviseService(name: ServiceName, env: NodeJS.ProcessEnv, log: (line: string) => void, onFatal?: (name: ServiceName) => void) {
  const s = supervise({
    name,
    entry: serviceEntry(name),
    env,
    log,
    onFatal: onFatal && (() => onFatal(name)),
    semiSpaceMiB: semiSpaceFor(name),
    memoryReducer: memoryReducerFor(name),
  });
  return s as typeof s & { name: ServiceName };
}

/**
 * Resolves once the NATS server at `url` accepts `probe`'s credentials (nats-server started from the
 * config scripts/nats-secure.ts writes); refused credentials or certificates fail at once.
 */
export async function probeNats(opts: { url: string; probe: { user: string; pass: string; caFile?: string | undefined } }): Promise<void> {
  const { connect } = await import("@nats-io/transport-node");
  const { parseNatsServers } = await import("@mp4t/messaging/internal");
  const { servers, tls } = parseNatsServers(opts.url);
  const deadline = Date.now() + 60_000; // a busy machine starts JetStream slowly
  for (;;) {
    try {
      const nc = await connect({
        servers,
        reconnect: false,
        // The server checks a bcrypt hash per connection: on a busy machine that alone can take
        // seconds, and a short timeout would pile abandoned attempts onto it that it never catches up with.
        timeout: 5000,
        user: opts.probe.user,
        pass: opts.probe.pass,
        ...(tls ? { tls: opts.probe.caFile ? { caFile: opts.probe.caFile } : {} } : {}),
      });
      await nc.close();
      return;
    } catch (err) {
      if (/authorization|certificate/i.test(String((err as Error).message))) throw new Error(`nats-server refused the launcher: ${(err as Error).message}`);
      if (Date.now() > deadline) throw new Error("nats-server did not accept connections within 60 s");
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
