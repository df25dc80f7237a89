import {
  TRANSCRIPT_FORMATS,
  commonLanguages,
  type Capabilities,
  type EngineCapability,
  type EnhancementCapabilities,
  type InstanceCapabilities,
} from "@mp4t/contracts";

/** One live replica's advertised capabilities (from its discovery registration). */
export type ReplicaCapabilities = { service: string; caps: InstanceCapabilities };

export type DeploymentLimits = { maxUploadBytes: number; maxActiveJobs: number };

/** The public document, and the parts actually reported (what the upload check may rely on). */
export type JoinedCapabilities = { document: Capabilities; known: InstanceCapabilities };

/**
 * Any replica of a service may take any job, so the deployment serves what every replica of
 * that service serves: engines all transcribers have (their languages in common), the lowest
 * speaker and duration limits, enhancements every enhancer offers. A service with no live replica
 * is unknown: the document shows nothing available and the upload check leaves it to the worker.
 */
export function joinCapabilities(replicas: ReplicaCapabilities[], limits: DeploymentLimits): JoinedCapabilities {
  const of = <K extends keyof InstanceCapabilities>(key: K) =>
    replicas.map((r) => r.caps[key]).filter((v): v is NonNullable<InstanceCapabilities[K]> => v !== undefined);
  const engines = of("engines");
  const diarizers = of("diarization");
  const enhancers = of("enhancements");
  const durations = of("maxDurationSec");
  const known: InstanceCapabilities = {
    ...(engines.length ? { engines: engines.reduce(commonEngines) } : {}),
    ...(diarizers.length
      ? { diarization: { available: diarizers.every((d) => d.available), maxSpeakers: Math.min(...diarizers.map((d) => d.maxSpeakers)) } }
      : {}),
    ...(enhancers.length ? { enhancements: enhancers.reduce(commonEnhancements) } : {}),
    ...(durations.length ? { maxDurationSec: Math.min(...durations) } : {}),
  };
  return {
    known,
    document: {
      engines: known.engines ?? [],
      diarization: known.diarization ?? { available: false, maxSpeakers: 0 },
      enhancements: known.enhancements ?? { summary: false, notes: false, cleanText: false, translate: { available: false, languages: [] } },
      formats: [...TRANSCRIPT_FORMATS],
      limits: { maxUploadBytes: limits.maxUploadBytes, maxDurationSec: known.maxDurationSec ?? null, maxActiveJobs: limits.maxActiveJobs },
      uploads: { resumable: { protocol: "tus", endpoint: "/v1/uploads", version: "1.0.0" } },
    },
  };
}

function commonEngines(a: EngineCapability[], b: EngineCapability[]): EngineCapability[] {
  return a.flatMap((e) => {
    const other = b.find((o) => o.id === e.id);
    if (!other) return [];
    return [
      {
        id: e.id,
        default: e.default && other.default,
        languages: commonLanguages(e.languages, other.languages),
        wordTimestamps: e.wordTimestamps && other.wordTimestamps,
        speakers: e.speakers && other.speakers,
      },
    ];
  });
}

function commonEnhancements(a: EnhancementCapabilities, b: EnhancementCapabilities): EnhancementCapabilities {
  const translate = a.translate.available && b.translate.available;
  return {
    summary: a.summary && b.summary,
    notes: a.notes && b.notes,
    cleanText: a.cleanText && b.cleanText,
    translate: { available: translate, languages: translate ? commonLanguages(a.translate.languages, b.translate.languages) : [] },
  };
}
