/**
 * The all-in-one process (`MP4T_PROCESSES=all-in-one`, one setting away from `npm start`'s default `split`, which runs this entry for the five workers): every
 * service in one Node process, like Loki's `-target=all`; given service names as arguments, only
 * those (the split layout's worker process: `all-in-one.ts ingest transcriber diarizer enhancer janitor`). They still talk only through JetStream,
 * and each keeps what made it a service: its own NATS connection with its own NATS user (the
 * permission table holds per connection), its own config parsed from its own environment, its
 * own logger name and its own tracer (`service.name` mp4t-<service>). Metrics share the process's
 * registry (one /metrics; series keep their stage labels).
 *
 * The supervisor (scripts/start.mjs) writes each service's own variables (NATS user and password,
 * the gateway's secrets) as one JSON object on stdin; process.env holds only the shared settings.
 *
 * A service that dies (its NATS connection closed for good, a recycle, an uncaught error) takes the
 * process down and the supervisor restarts the whole process with backoff: in-flight work is
 * redelivered by JetStream as after any crash.
 */
import { text } from "node:stream/consumers";
import { SERVICE_NAMES, type ServiceName } from "@mp4t/contracts/subjects";
import { exitOnStartFailure, startServices, type ServiceDefinition } from "@mp4t/messaging";
import { shutdownOnSignal } from "@mp4t/runtime";

const arm = shutdownOnSignal(); // before start: a signal while starting is held, not fatal
const own = JSON.parse((await text(process.stdin)) || "{}") as Partial<Record<ServiceName, Record<string, string>>>;

const names = process.argv.slice(2);
const unknown = names.filter((n) => !(SERVICE_NAMES as readonly string[]).includes(n));
if (unknown.length > 0) {
  process.stderr.write(`[all-in-one] not services: ${unknown.join(", ")} (one of ${SERVICE_NAMES.join(", ")})\n`);
  process.exit(78); // EX_CONFIG: the supervisor does not restart it
}
const hosted = names.length > 0 ? (names as ServiceName[]) : SERVICE_NAMES;

const load = async (name: ServiceName) => ((await import(`../services/${name}/src/service.ts`)) as { service: ServiceDefinition }).service;
const definitions = await Promise.all(hosted.map(load));

const fatal = (reason: string) => {
  process.stderr.write(`[all-in-one] ${reason}: exiting, the supervisor restarts the process\n`);
  process.exit(1);
};

// What the services know of their layout: whether the gateway's event loop is theirs too (the diarizer's thread).
const layout = hosted.includes("gateway") ? "all-in-one" : "split";
const all = await startServices(definitions, (name) => ({ ...process.env, ...own[name], MP4T_PROCESSES: layout }), fatal).catch((err: unknown) =>
  exitOnStartFailure((err as { service?: string }).service ?? "all-in-one", err),
);

arm(() => all.stop(), {
  signal: (signal) => {
    for (const s of all.services) s.logger.info({ signal }, "shutting down");
  },
  failed: (err) => process.stderr.write(`[all-in-one] shutdown failed: ${String(err)}\n`),
});
