import { languageServed, type InstanceCapabilities, type OptionUnsupportedDetails } from "./capabilities.schema.ts";
import type { JobOptions } from "./job.schema.ts";

export type UnsupportedOption = OptionUnsupportedDetails & { message: string };

const LOCAL_ENHANCEMENTS = ["clean", "summary", "notes"] as const;

/**
 * The first option of a job that these capabilities cannot serve, or undefined. Only the parts
 * that are known are checked (`caps.engines` absent: no transcriber has said what it offers), so
 * the gateway and each worker run the same rules on what they know.
 */
export function findUnsupportedOption(options: JobOptions, caps: InstanceCapabilities): UnsupportedOption | undefined {
  return checkEngine(options, caps) ?? checkSpeakers(options, caps) ?? checkEnhancements(options, caps);
}

function checkEngine(options: JobOptions, caps: InstanceCapabilities): UnsupportedOption | undefined {
  if (!caps.engines) return undefined;
  const ids = caps.engines.map((e) => e.id);
  const engine = options.engine === undefined ? caps.engines.find((e) => e.default) : caps.engines.find((e) => e.id === options.engine);
  // Replicas that disagree on their default leave none: which one a job gets is up to the worker.
  if (!engine && options.engine === undefined) return undefined;
  if (!engine) {
    return {
      option: "engine",
      value: options.engine,
      available: ids,
      message: `engine "${options.engine}" is not configured here; available: ${ids.join(", ") || "none"}`,
    };
  }
  if (!languageServed(options.language, engine.languages)) {
    return {
      option: "language",
      value: options.language,
      available: engine.languages,
      message: `language "${options.language}" is not available with the ${engine.id} engine here; available: ${engine.languages.join(", ") || "none"}`,
    };
  }
  return undefined;
}

function checkSpeakers(options: JobOptions, caps: InstanceCapabilities): UnsupportedOption | undefined {
  const max = caps.diarization?.maxSpeakers;
  if (max === undefined) return undefined;
  for (const option of ["speakers", "minSpeakers", "maxSpeakers"] as const) {
    const value = options[option];
    if (value !== undefined && value > max) {
      return {
        option,
        value,
        available: Array.from({ length: max }, (_, i) => i + 1),
        message: `${option} ${value} is more than this deployment tells apart (at most ${max} speakers)`,
      };
    }
  }
  return undefined;
}

function checkEnhancements(options: JobOptions, caps: InstanceCapabilities): UnsupportedOption | undefined {
  const e = caps.enhancements;
  if (!e) return undefined;
  const translations = e.translate.available ? e.translate.languages.map((l) => `translate:${l}`) : [];
  const available = [...LOCAL_ENHANCEMENTS.filter((k) => (k === "clean" ? e.cleanText : e[k])), ...translations];
  for (const value of options.enhance) {
    const target = value.startsWith("translate:") ? value.slice("translate:".length) : undefined;
    const served = target === undefined ? available.includes(value) : e.translate.available && languageServed(target, e.translate.languages);
    if (!served) {
      const why =
        target === undefined
          ? "is not available here"
          : e.translate.available
            ? "is not a language the translation provider offers"
            : "needs a translation provider, and none is configured here";
      return { option: "enhance", value, available, message: `enhancement "${value}" ${why}; available: ${available.join(", ") || "none"}` };
    }
  }
  return undefined;
}
