import { describe, expect, it } from "vitest";
import { commonLanguages, languageServed, type InstanceCapabilities } from "./capabilities.schema.ts";
import { JobOptions } from "./job.schema.ts";
import { findUnsupportedOption } from "./option-check.ts";

const CAPS: InstanceCapabilities = {
  engines: [
    { id: "pocketsphinx", default: true, languages: ["en-us"], wordTimestamps: true, speakers: false },
    { id: "hf", default: false, languages: ["*"], wordTimestamps: false, speakers: false },
  ],
  diarization: { available: true, maxSpeakers: 3 },
  enhancements: { summary: true, notes: true, cleanText: true, translate: { available: true, languages: ["de", "fr"] } },
};
const check = (o: object, caps = CAPS) => findUnsupportedOption(JobOptions.parse(o), caps);

describe("languages", () => {
  it("serves a language by tag or primary subtag, and anything with *", () => {
    expect(languageServed("en", ["en-us"])).toBe(true);
    expect(languageServed("en-GB", ["en-us"])).toBe(true);
    expect(languageServed("eng", ["en-us"])).toBe(false);
    expect(languageServed("fr", ["*"])).toBe(true);
    expect(commonLanguages(["en-us", "de"], ["*"])).toEqual(["en-us", "de"]);
    expect(commonLanguages(["en-us", "de"], ["de", "fr"])).toEqual(["de"]);
  });
});

describe("findUnsupportedOption", () => {
  it("accepts what the capabilities serve", () => {
    expect(check({})).toBeUndefined();
    expect(check({ language: "fr", engine: "hf", speakers: 3, enhance: ["clean", "translate:de"] })).toBeUndefined();
  });

  it("names the option, the value and what is available", () => {
    expect(check({ language: "fr" })).toMatchObject({ option: "language", value: "fr", available: ["en-us"] });
    expect(check({ engine: "openai" })).toMatchObject({ option: "engine", value: "openai", available: ["pocketsphinx", "hf"] });
    expect(check({ maxSpeakers: 4 })).toMatchObject({ option: "maxSpeakers", value: 4, available: [1, 2, 3] });
    expect(check({ enhance: ["translate:ja"] })).toMatchObject({
      option: "enhance",
      value: "translate:ja",
      available: ["clean", "summary", "notes", "translate:de", "translate:fr"],
    });
    const noTranslation = { enhancements: { summary: true, notes: true, cleanText: true, translate: { available: false, languages: [] } } };
    expect(check({ enhance: ["translate:de"] }, noTranslation)?.message).toMatch(/needs a translation provider/);
  });

  it("checks only what is known", () => {
    expect(check({ language: "fr", engine: "x", speakers: 20, enhance: ["translate:ja"] }, {})).toBeUndefined();
  });
});
