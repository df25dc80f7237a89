import { hostname } from "node:os";
import { discoveryName, type InstanceCapabilities, type ServiceName } from "@mp4t/contracts";
import { Svcm, type Service, type ServiceInfo, type ServiceStats } from "@nats-io/services";
import type { NatsConnection } from "@nats-io/transport-node";
import type { WorkerStats } from "./worker.ts";

export type InstanceInfo = {
  service: ServiceName;
  lanes: string[];
  version?: string;
  stats: () => Record<string, unknown>;
  /** What this replica's configuration lets it do; the gateway's GET /v1/capabilities joins the replicas'. */
  capabilities?: InstanceCapabilities;
};

/** NATS service discovery: processes register; the gateway lists the live ones. */
export type Discovery = {
  /** Registers this process so `GET /v1/admin/services` can list it; stop it on shutdown. */
  register(info: InstanceInfo): Promise<Pick<Service, "stop">>;
  list(opts?: { maxWaitMs?: number }): Promise<InstanceView[]>;
  /** What the live instances advertise in `capabilities` (JSON as registered; the reader parses it). */
  advertised(opts?: { maxWaitMs?: number }): Promise<AdvertisedCapabilities[]>;
};

export type AdvertisedCapabilities = { service: string; id: string; capabilities: string };

export function createDiscovery(nc: NatsConnection): Discovery {
  return {
    register: (info) => registerInstance(nc, info),
    list: (opts) => listInstances(nc, opts),
    advertised: (opts) => advertisedCapabilities(nc, opts),
  };
}

// @nats-io/services pins an older nats-core; the connection object is the same at runtime.
const svcm = (nc: NatsConnection) => new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0]);

async function registerInstance(nc: NatsConnection, info: InstanceInfo): Promise<Service> {
  const svc = await svcm(nc).add({
    name: discoveryName(info.service),
    version: info.version ?? "0.1.0",
    description: `MP4toText ${info.service}`,
    metadata: {
      service: info.service,
      lanes: info.lanes.join(","),
      host: hostname(),
      pid: String(process.pid),
      ...(info.capabilities ? { capabilities: JSON.stringify(info.capabilities) } : {}),
    },
    statsHandler: async () => info.stats(),
  });
  svc.addEndpoint("status", {
    subject: `mp4t.v1.svc.${info.service}.${svc.info().id}.status`,
    handler: (_err, msg) => msg.respond(JSON.stringify(info.stats())),
  });
  // Make sure the server has the discovery subscriptions before anyone may ask for them.
  await nc.flush();
  return svc;
}

/** The worker runner's counters an instance reports (`startServiceRuntime` puts them in its stats). */
export function instanceWorkers(view: InstanceView): Partial<WorkerStats>[] {
  const workers = view.stats?.workers;
  if (!Array.isArray(workers)) return [];
  return workers.filter((w): w is Partial<WorkerStats> => typeof w === "object" && w !== null && typeof (w as { stage?: unknown }).stage === "string");
}

export type InstanceView = {
  name: string;
  id: string;
  lane: string | null;
  lanes: string[];
  host: string | null;
  pid: number | null;
  version: string;
  started: string | null;
  stats: Record<string, unknown> | null;
};

const PREFIX = "mp4t-";

async function collect<T>(it: Promise<AsyncIterable<T>>): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const x of await it) out.push(x);
  } catch (err) {
    if ((err as Error).name !== "NoResponders") throw err; // nobody registered: an empty list
  }
  return out;
}

/** Joins discovery INFO and STATS replies into one row per live instance, in a stable order. */
export function toInstanceViews(infos: ServiceInfo[], stats: ServiceStats[]): InstanceView[] {
  const statsById = new Map(stats.map((s) => [s.id, s]));
  return infos
    .filter((i) => i.name.startsWith(PREFIX))
    .map((i) => {
      const s = statsById.get(i.id);
      const lanes = (i.metadata?.lanes ?? "").split(",").filter(Boolean);
      const pid = Number(i.metadata?.pid);
      const data = s?.endpoints?.find((e) => e.data !== undefined)?.data;
      return {
        name: i.metadata?.service ?? i.name.slice(PREFIX.length),
        id: i.id,
        lane: lanes[0] ?? null,
        lanes,
        host: i.metadata?.host ?? null,
        pid: Number.isInteger(pid) ? pid : null,
        version: i.version,
        started: s?.started ?? null,
        stats: data && typeof data === "object" ? (data as Record<string, unknown>) : null,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** Every live MP4toText instance, from NATS service discovery ($SRV.INFO / $SRV.STATS). */
async function listInstances(nc: NatsConnection, opts: { maxWaitMs?: number } = {}): Promise<InstanceView[]> {
  // A fixed window rather than "stall": on a loaded machine a replica's reply can trail the
  // first one by more than any short stall, and a missing replica is worse than a slower page.
  const client = svcm(nc).client({ strategy: "timer", maxWait: opts.maxWaitMs ?? 1000 });
  const [infos, stats] = await Promise.all([collect(client.info()), collect(client.stats())]);
  return toInstanceViews(infos, stats);
}

/** The `capabilities` metadata of every live instance that registered some ($SRV.INFO only). */
async function advertisedCapabilities(nc: NatsConnection, opts: { maxWaitMs?: number } = {}): Promise<AdvertisedCapabilities[]> {
  const infos = await collect(
    svcm(nc)
      .client({ strategy: "timer", maxWait: opts.maxWaitMs ?? 500 })
      .info(),
  );
  return infos.flatMap((i) => {
    const capabilities = i.metadata?.capabilities;
    if (!i.name.startsWith(PREFIX) || !capabilities) return [];
    return [{ service: i.metadata?.service ?? i.name.slice(PREFIX.length), id: i.id, capabilities }];
  });
}
