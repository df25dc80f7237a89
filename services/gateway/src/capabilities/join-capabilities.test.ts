import { describe, expect, it } from "vitest";
import { joinCapabilities } from "./join-capabilities.ts";

const LIMITS = { maxUploadBytes: 1000, maxActiveJobs: 5 };
const engine = (id: string, languages: string[], def = false) => ({ id, default: def, languages, wordTimestamps: true, speakers: id === "diarizing" });

describe("joinCapabilities", () => {
  it("offers what every replica of a service offers", () => {
    const { known, document } = joinCapabilities(
      [
        { service: "transcriber", caps: { engines: [engine("pocketsphinx", ["en-us"], true), engine("openai", ["*"]), engine("diarizing", ["en", "de"])] } },
        { service: "transcriber", caps: { engines: [engine("pocketsphinx", ["en-us"], true), engine("openai", ["de", "fr"])] } },
        { service: "enhancer", caps: { enhancements: { summary: true, notes: true, cleanText: true, translate: { available: true, languages: ["*"] } } } },
        { service: "enhancer", caps: { enhancements: { summary: true, notes: true, cleanText: true, translate: { available: false, languages: [] } } } },
        { service: "ingest", caps: { maxDurationSec: 600 } },
        { service: "ingest", caps: { maxDurationSec: 300 } },
      ],
      LIMITS,
    );
    expect(known.engines).toEqual([engine("pocketsphinx", ["en-us"], true), engine("openai", ["de", "fr"])]);
    expect(known.enhancements?.translate).toEqual({ available: false, languages: [] });
    expect(known.diarization).toBeUndefined();
    expect(document.diarization).toEqual({ available: false, maxSpeakers: 0 });
    expect(document.limits).toEqual({ maxUploadBytes: 1000, maxDurationSec: 300, maxActiveJobs: 5 });
  });
});
