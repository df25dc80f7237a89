import { InstanceCapabilities, JobOptions, SERVICE_NAMES, discoveryName, findUnsupportedOption } from "@mp4t/contracts";
import type { Logger } from "@mp4t/platform";
import { optionUnsupportedError } from "@mp4t/stores";
import { Svcm, type ServiceInfo } from "@nats-io/services";
import type { NatsConnection } from "@nats-io/transport-node";
import { joinCapabilities, type DeploymentLimits, type JoinedCapabilities, type ReplicaCapabilities } from "./join-capabilities.ts";

export type CapabilitiesSource = {
  /** The joined capabilities, at most `ttlMs` old (an older copy is served while a fresh one is read). */
  current(): Promise<JoinedCapabilities>;
  /** OPTION_UNSUPPORTED (with details) for options the live replicas cannot serve. */
  check(options: JobOptions): Promise<void>;
  /** The same for a re-run of enhancements on a completed job (only the enhancer's part counts). */
  checkEnhancements(kinds: JobOptions["enhance"]): Promise<void>;
};

export type CapabilitiesSourceOptions = DeploymentLimits & {
  nc: NatsConnection;
  logger: Logger;
  /** How long a reading is fresh (default 5 s). */
  ttlMs?: number;
  /** How long replicas get to answer the discovery request (default 500 ms). */
  windowMs?: number;
};

/** The replicas' advertised capabilities; a malformed registration is left out (and logged). */
export function replicaCapabilities(infos: ServiceInfo[], logger: Logger): ReplicaCapabilities[] {
  return infos.flatMap((i) => {
    const raw = i.metadata?.capabilities;
    if (!raw) return [];
    try {
      return [{ service: i.metadata?.service ?? i.name, caps: InstanceCapabilities.parse(JSON.parse(raw)) }];
    } catch (err) {
      logger.warn({ err: (err as Error).message, service: i.name, id: i.id }, "capabilities: unreadable registration ignored");
      return [];
    }
  });
}

/**
 * Capabilities from NATS service discovery: each worker registers what its configuration lets
 * it do (runtime.ts `registerInstance`), and this joins the live replicas' registrations. Read on
 * demand and cached, so an upload rarely waits on the discovery window; a failed read counts as
 * "nothing known", which checks nothing (the workers check again).
 */
export function createCapabilitiesSource(opts: CapabilitiesSourceOptions): CapabilitiesSource {
  const ttlMs = opts.ttlMs ?? 5000;
  const limits = { maxUploadBytes: opts.maxUploadBytes, maxActiveJobs: opts.maxActiveJobs };
  // @nats-io/services pins an older nats-core; the connection object is the same at runtime.
  const svcm = new Svcm(opts.nc as unknown as ConstructorParameters<typeof Svcm>[0]);
  let cached: { at: number; value: JoinedCapabilities } | undefined;
  let reading: Promise<JoinedCapabilities> | undefined;

  async function infosOf(name: string): Promise<ServiceInfo[]> {
    const out: ServiceInfo[] = [];
    try {
      for await (const info of await svcm.client({ strategy: "timer", maxWait: opts.windowMs ?? 500 }).info(name)) out.push(info);
    } catch (err) {
      if ((err as Error).name !== "NoResponders") opts.logger.warn({ err: (err as Error).message, service: name }, "capabilities: discovery failed");
    }
    return out;
  }

  function read(): Promise<JoinedCapabilities> {
    reading ??= (async () => {
      const workers = SERVICE_NAMES.filter((s) => s !== "gateway" && s !== "janitor");
      const infos = (await Promise.all(workers.map((s) => infosOf(discoveryName(s))))).flat();
      const value = joinCapabilities(replicaCapabilities(infos, opts.logger), limits);
      cached = { at: Date.now(), value };
      return value;
    })().finally(() => (reading = undefined));
    return reading;
  }

  const source: CapabilitiesSource = {
    async current() {
      const age = cached ? Date.now() - cached.at : Infinity;
      // A little stale: served while a fresh reading is made; long stale: not trusted at all.
      if (age > ttlMs * 12) return read();
      if (age > ttlMs) void read().catch(() => undefined);
      return cached!.value;
    },
    async check(options) {
      const unsupported = findUnsupportedOption(options, (await source.current()).known);
      if (unsupported) throw optionUnsupportedError(unsupported);
    },
    async checkEnhancements(kinds) {
      const { enhancements } = (await source.current()).known;
      const unsupported = enhancements && findUnsupportedOption(JobOptions.parse({ enhance: kinds }), { enhancements });
      if (unsupported) throw optionUnsupportedError(unsupported);
    },
  };
  return source;
}
