import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SERVICE_NAMES, type Job, type Transcript } from "@mp4t/contracts";
import { makeLibrivoxMp4, wordErrorRate } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkCues, parseSrt, parseVtt } from "./subtitle-checks.ts";
import { api, login, startSystem, type RunningSystem } from "./system.ts";

/**
 * The spine, end to end: `scripts/start.mjs` (what `npm start` runs) brings up nats-server and
 * the six services as real processes; an MP4 made from Debian's LibriVox clips goes through
 * upload -> ingest -> transcriber -> diarizer -> enhancer -> completed.
 */
describe("spine: an MP4 end to end through all six services", () => {
  let sys: RunningSystem;
  let media: string;
  beforeAll(async () => {
    media = await mkdtemp(join(tmpdir(), "mp4t-media-"));
    sys = await startSystem();
  }, 120_000);
  afterAll(async () => {
    const code = await sys?.stop();
    await rm(media, { recursive: true, force: true });
    expect(code).toBe(0); // SIGTERM drains and stops everything cleanly
  }, 60_000);

  it("transcribes the LibriVox MP4 within the WER goal, with valid subtitles, and lists all six services", async () => {
    const { path, reference, durationSec } = await makeLibrivoxMp4(media);
    const email = "listener@e2e.test";
    expect((await api(sys.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email, password: "correct horse" }) })).status).toBe(201);
    const token = await login(sys.url, email, "correct horse");

    const form = new FormData();
    form.append("options", JSON.stringify({ language: "en", enhance: ["summary"] }));
    form.append("file", new Blob([await readFile(path)], { type: "video/mp4" }), "librivox.mp4");
    const t0 = Date.now();
    const created = await api<Job>(sys.url, "/v1/jobs", { method: "POST", body: form, token });
    expect(created.status).toBe(202);
    expect(created.body.status).toBe("queued");

    let job: Job = created.body;
    while (job.status === "queued" || job.status === "processing") {
      if (Date.now() - t0 > 240_000) throw new Error(`job stuck: ${JSON.stringify(job)}\n${sys.output()}`);
      await new Promise((r) => setTimeout(r, 200));
      job = (await api<Job>(sys.url, `/v1/jobs/${created.body.id}`, { token })).body;
    }
    const elapsedSec = (Date.now() - t0) / 1000;
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    expect(job.progress).toBe(1);
    expect(job.media?.durationSec).toBeCloseTo(durationSec, 0);

    const txt = await api(sys.url, `/v1/jobs/${job.id}/transcript?format=txt`, { token });
    expect(txt.status).toBe(200);
    const wer = wordErrorRate(reference, txt.text);
    console.log(`[spine] WER ${wer.toFixed(3)} on ${durationSec.toFixed(1)} s of LibriVox speech; upload->completed ${elapsedSec.toFixed(1)} s`);
    expect(wer).toBeLessThanOrEqual(0.4);

    const json = await api<Transcript>(sys.url, `/v1/jobs/${job.id}/transcript?format=json`, { token });
    expect(json.body.segments.length).toBeGreaterThan(0);
    expect(json.body.segments.flatMap((s) => s.words).length).toBeGreaterThan(40);
    const srt = await api(sys.url, `/v1/jobs/${job.id}/transcript?format=srt`, { token });
    checkCues(parseSrt(srt.text), durationSec);
    const vtt = await api(sys.url, `/v1/jobs/${job.id}/transcript?format=vtt`, { token });
    checkCues(parseVtt(vtt.text), durationSec);
    expect(vtt.headers.get("content-type")).toMatch(/text\/vtt/);

    const adminToken = await login(sys.url, sys.admin.email, sys.admin.password);
    const services = await api<{ name: string }[] | { items: { name: string }[] }>(sys.url, "/v1/admin/services", { token: adminToken });
    expect(services.status).toBe(200);
    const list = Array.isArray(services.body) ? services.body : services.body.items;
    expect(new Set(list.map((s) => s.name))).toEqual(new Set(SERVICE_NAMES));
  }, 300_000);
});
