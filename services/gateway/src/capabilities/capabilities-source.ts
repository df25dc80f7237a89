import { InstanceCapabilities, JobOptions, findUnsupportedOption } from "@mp4t/contracts";
import type { Logger } from "@mp4t/runtime";
import type { AdvertisedCapabilities, Discovery } from "@mp4t/messaging";
import { optionUnsupportedError } from "@mp4t/pipeline";
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
  discovery: Pick<Discovery, "advertised">;
  logger: Logger;
  /** How long a reading is fresh (default 5 s). */
  ttlMs?: number;
  /** How long replicas get to answer the discovery request (default 500 ms). */
  windowMs?: number;
  /**
   * Until every worker service (ingest, transcriber, diarizer, enhancer) has answered once, how
   * long a reading that lacks one is trusted (default 1 s). Right after start the workers register
   * a moment after the gateway; such a reading checked nothing and was served for `ttlMs` and
   * more, so an upload with options no replica can serve was accepted. Later partial readings (a
   * service restarting) are refreshed in the background, so uploads do not each wait on discovery.
   */
  partialTtlMs?: number;
};

/** The services whose capabilities the upload check reads. */
const WORKERS = ["ingest", "transcriber", "diarizer", "enhancer"] as const;

/** The replicas' advertised capabilities; a malformed registration is left out (and logged). */
export function replicaCapabilities(infos: AdvertisedCapabilities[], logger: Logger): ReplicaCapabilities[] {
  return infos.flatMap((i) => {
    // The gateway and the janitor serve no job options.
    if (i.service === "gateway" || i.service === "janitor") return [];
    try {
      return [{ service: i.service, caps: InstanceCapabilities.parse(JSON.parse(i.capabilities)) }];
    } catch (err) {
      logger.warn({ err: (err as Error).message, service: i.service, id: i.id }, "capabilities: unreadable registration ignored");
      return [];
    }
  });
}

/**
 * Capabilities from NATS service discovery: each worker registers what its configuration lets
 * it do (messaging's `Discovery.register`), and this joins the live replicas' registrations. Read on
 * demand and cached, so an upload rarely waits on the discovery window; a failed read counts as
 * "nothing known", which checks nothing (the workers check again).
 */
export function createCapabilitiesSource(opts: CapabilitiesSourceOptions): CapabilitiesSource {
  const ttlMs = opts.ttlMs ?? 5000;
  const limits = { maxUploadBytes: opts.maxUploadBytes, maxActiveJobs: opts.maxActiveJobs };
  const partialTtlMs = opts.partialTtlMs ?? 1000;
  let cached: { at: number; value: JoinedCapabilities; complete: boolean } | undefined;
  // Until every worker service has answered once (the start), a partial reading is not trusted;
  // after that, one (a service restarting) is refreshed in the background like any other.
  let seenComplete = false;
  let reading: Promise<JoinedCapabilities> | undefined;

  async function advertised(): Promise<AdvertisedCapabilities[]> {
    try {
      return await opts.discovery.advertised({ maxWaitMs: opts.windowMs ?? 500 });
    } catch (err) {
      opts.logger.warn({ err: (err as Error).message }, "capabilities: discovery failed");
      return [];
    }
  }

  function read(): Promise<JoinedCapabilities> {
    reading ??= (async () => {
      const infos = await advertised();
      const replicas = replicaCapabilities(infos, opts.logger);
      const value = joinCapabilities(replicas, limits);
      const complete = WORKERS.every((w) => replicas.some((r) => r.service === w));
      seenComplete ||= complete;
      cached = { at: Date.now(), value, complete };
      return value;
    })().finally(() => (reading = undefined));
    return reading;
  }

  const source: CapabilitiesSource = {
    async current() {
      const age = cached ? Date.now() - cached.at : Infinity;
      // A little stale: served while a fresh reading is made; long stale, or missing a service for a moment: not trusted.
      if (age > ttlMs * 12 || (!cached!.complete && !seenComplete && age > partialTtlMs)) return read();
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
