import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { createDeadLetters, type DeadLetterEntry, type DeadLetterJob, type DeadLetters } from "./dead-letters.ts";
import { createDiscovery, instanceWorkers, type Discovery } from "./discovery.ts";
import { createJobEvents, type JobEvents } from "./job-events.ts";
import { createPublisher, type Publisher } from "./publisher.ts";
import { createQueueEstimator, type QueueEstimator } from "./queue-estimate.ts";
import { createQueueInspector, type QueueInspector } from "./queue-inspector.ts";

/** The connection a process's wiring (`main.ts`, `server.ts`) hands to factories; code below it gets ports. */
export type Connection = NatsConnection;

/** Is the transport up, and how fast does it answer (readiness and health). */
export type TransportProbe = { closed(): boolean; flush(): Promise<void>; rttMs(): Promise<number> };

/** Work and event publishing (the `WorkQueue`'s publish side; consuming is `startServiceRuntime`). */
export type WorkQueue = Pick<Publisher, "command">;

/** Every port a service gets from one connection. */
export type MessagingPorts = {
  publisher: Publisher;
  work: WorkQueue;
  events: JobEvents;
  queues: QueueInspector;
  /** Where a job stands in its stage's queue (GET /v1/jobs/:id `queue`). */
  estimator: QueueEstimator;
  discovery: Discovery;
  deadLetters(opts: { beforeRedrive?: (job: DeadLetterJob, entry: DeadLetterEntry) => Promise<void> }): Promise<DeadLetters>;
  transport: TransportProbe;
};

export function createMessagingPorts(nc: Connection, opts: { service: string; publisher?: Publisher }): MessagingPorts {
  const js = jetstream(nc);
  let jsm: Promise<JetStreamManager> | undefined;
  // Made on first use and made again after a failure (the server may be coming back).
  const getJsm = () =>
    (jsm ??= jetstreamManager(nc).catch((err: unknown) => {
      jsm = undefined;
      throw err;
    }));
  const publisher = opts.publisher ?? createPublisher(js, { service: opts.service });
  const discovery = createDiscovery(nc);
  return {
    publisher,
    work: publisher,
    events: createJobEvents({ nc, js, jsm: getJsm, publisher }),
    queues: createQueueInspector(getJsm),
    estimator: createQueueEstimator(getJsm, { transcribeSlots: () => transcribeSlots(discovery) }),
    discovery,
    deadLetters: async (o) => createDeadLetters({ js, jsm: await getJsm(), ...o }),
    transport: { closed: () => nc.isClosed(), flush: () => nc.flush(), rttMs: () => nc.rtt() },
  };
}

/** The transcribe slots of every live replica (their workers' concurrency); undefined when none reports. */
async function transcribeSlots(discovery: Discovery): Promise<number | undefined> {
  const workers = (await discovery.list()).flatMap(instanceWorkers).filter((w) => w.stage === "transcribe" && typeof w.concurrency === "number");
  return workers.length ? workers.reduce((a, w) => a + w.concurrency!, 0) : undefined;
}
