import { JobOptions } from "@mp4t/contracts";
import type { AdvertisedCapabilities } from "@mp4t/messaging";
import { silentLogger } from "@mp4t/testing";
import { describe, expect, it } from "vitest";
import { createCapabilitiesSource } from "./capabilities-source.ts";

const reg = (service: string, capabilities: object): AdvertisedCapabilities => ({ service, id: `${service}-1`, capabilities: JSON.stringify(capabilities) });
const WORKERS = [
  reg("ingest", { maxDurationSec: 3600 }),
  reg("transcriber", { engines: [{ id: "pocketsphinx", default: true, languages: ["en-us"], wordTimestamps: true, speakers: false }] }),
  reg("diarizer", { diarization: { available: true, maxSpeakers: 8 } }),
  reg("enhancer", { enhancements: { summary: true, notes: true, cleanText: true, translate: { available: false, languages: [] } } }),
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("capabilities source", () => {
  it("does not keep serving a reading taken before every worker had registered (just after start)", async () => {
    let live: AdvertisedCapabilities[] = []; // the gateway is up, the workers not yet
    let reads = 0;
    const source = createCapabilitiesSource({
      discovery: { advertised: async () => (reads++, live) },
      logger: silentLogger(),
      maxUploadBytes: 1024,
      maxActiveJobs: 10,
      ttlMs: 60_000, // a complete reading would be served for a minute
      partialTtlMs: 20,
    });
    await expect(source.check(JobOptions.parse({ language: "de" }))).resolves.toBeUndefined(); // nothing known: left to the worker
    live = WORKERS;
    await sleep(30);
    await expect(source.check(JobOptions.parse({ language: "de" }))).rejects.toMatchObject({ code: "OPTION_UNSUPPORTED" });
    expect(reads).toBe(2);
    // A complete reading is kept for its ttl: no discovery request per upload.
    await expect(source.check(JobOptions.parse({ language: "en" }))).resolves.toBeUndefined();
    expect(reads).toBe(2);
  });

  it("after the start, refreshes a partial reading (a service restarting) in the background: uploads do not wait on discovery", async () => {
    let answer: () => Promise<AdvertisedCapabilities[]> = async () => WORKERS;
    const source = createCapabilitiesSource({
      discovery: { advertised: () => answer() },
      logger: silentLogger(),
      maxUploadBytes: 1024,
      maxActiveJobs: 10,
      ttlMs: 10,
      partialTtlMs: 10,
    });
    await source.current(); // complete: every worker service answered once
    answer = async () => WORKERS.filter((w) => w.service !== "enhancer"); // the enhancer restarts
    await sleep(15);
    await source.current(); // stale: served at once, the partial reading made behind it
    await sleep(5);
    let release!: (v: AdvertisedCapabilities[]) => void;
    answer = () => new Promise((r) => (release = r)); // discovery now slow: it answers when released
    await sleep(15);
    const served = await Promise.race([source.current(), sleep(200).then(() => "waited" as const)]);
    expect(served).not.toBe("waited"); // the partial reading served as it is
    expect(served !== "waited" && served.known.enhancements).toBeUndefined();
    release(WORKERS);
  });
});
