import { Svcm, type ServiceInfo, type ServiceStats } from "@nats-io/services";
import type { NatsConnection } from "@nats-io/transport-node";

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
export async function listInstances(nc: NatsConnection, opts: { maxWaitMs?: number } = {}): Promise<InstanceView[]> {
  // @nats-io/services pins an older nats-core; the connection object is the same at runtime.
  // A fixed window rather than "stall": on a loaded machine a replica's reply can trail the
  // first one by more than any short stall, and a missing replica is worse than a slower page.
  const client = new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0]).client({ strategy: "timer", maxWait: opts.maxWaitMs ?? 1000 });
  const [infos, stats] = await Promise.all([collect(client.info()), collect(client.stats())]);
  return toInstanceViews(infos, stats);
}
