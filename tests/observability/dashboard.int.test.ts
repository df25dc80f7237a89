import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SERVICE_NAMES } from "@mp4t/contracts";
import { librivoxClips, makeRandomBytes, makeSilenceWav, startFakeOpenAi, type FakeOpenAiServer } from "@mp4t/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../e2e/browser.ts";
import { api, login, startSystem, type RunningSystem } from "../e2e/system.ts";
import { eventually, newUser, untilEnded, upload } from "./jobs.ts";

const ARTIFACTS = join(import.meta.dirname, "..", "artifacts");

type Letter = { seq: number; stage: string; redrivable: boolean; job: { jobId: string } | null };

/**
 * The admin dashboard in a real browser against the whole system: log in, see the six services
 * and a completed job, pause and resume a lane, re-drive a dead letter; a screenshot is kept in
 * tests/artifacts/dashboard.png for a human to look at. Transcription goes to a local OpenAI
 * stand-in, so a provider refusal (a system fault, dead-lettered) can be scripted for one job.
 */
describe("dashboard: an admin runs the system from the browser", () => {
  let sys: RunningSystem;
  let browser: Browser;
  let media: string;
  let fake: FakeOpenAiServer;

  beforeAll(async () => {
    media = await mkdtemp(join(tmpdir(), "mp4t-dash-"));
    fake = await startFakeOpenAi({ transcript: "the dashboard shows what the system does" });
    sys = await startSystem({
      CHUNK_MAX_SEC: "3",
      CHUNK_SEARCH_SEC: "1",
      TRANSCRIBE_ENGINE: "openai",
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: fake.apiKey,
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
    await fake?.close();
    await rm(media, { recursive: true, force: true });
  }, 60_000);

  it("shows six services and a completed job, pauses a lane and re-drives a dead letter", async () => {
    const token = await newUser(sys, "viewer@dash.test");
    const clip = (await librivoxClips())[0]!;
    const good = await upload(sys, token, clip.path);
    // Not media at all: ingest rejects it, the job fails with a MEDIA_ code and, being the
    // user's mistake rather than a system fault, leaves no dead letter.
    const bad = await upload(sys, token, await makeRandomBytes(join(media, "not-a-video.mp4")));
    expect((await untilEnded(sys, token, good.id)).status).toBe("completed");
    expect((await untilEnded(sys, token, bad.id)).status).toBe("failed");
    // The provider refuses the next job's only chunk (401, ENGINE_REJECTED): the job fails and
    // the chunk's command is dead-lettered, for an operator to re-drive once the key is fixed.
    // Shorter than CHUNK_MAX_SEC, so the re-drive alone can complete it.
    fake.fail({ kind: "unauthorized" });
    const refused = await upload(sys, token, await makeSilenceWav(join(media, "refused.wav"), 2, { channels: 1, sampleRate: 16_000 }));
    const refusedEnd = await untilEnded(sys, token, refused.id);
    expect(refusedEnd.status).toBe("failed");
    expect(refusedEnd.error?.code).toBe("ENGINE_REJECTED");
    const adminToken = await login(sys.url, sys.admin.email, sys.admin.password);
    const letters = async () => (await api<{ items: Letter[] }>(sys.url, "/v1/admin/dead-letters", { token: adminToken })).body.items;
    const letter = await eventually("the refused job's dead letter", async () => (await letters()).find((l) => l.job?.jobId === refused.id));
    expect(letter.stage).toBe("transcribe");
    expect(letter.redrivable).toBe(true);
    expect((await letters()).some((l) => l.job?.jobId === bad.id)).toBe(false);

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`${sys.url}/dashboard`);
    await page.fill("input[name=email]", sys.admin.email);
    await page.fill("input[name=password]", sys.admin.password);
    await page.click("button[type=submit]");
    await page.waitForSelector("body[data-loaded=true]");

    // Six services, each with a live instance.
    await page.waitForFunction(`new Set([...document.querySelectorAll("#services tbody tr")].map((r) => r.dataset.key)).size === ${SERVICE_NAMES.length}`);
    const services = await page.$$eval("#services tbody tr", (rows) => rows.map((r) => r.getAttribute("data-key")));
    expect(new Set(services)).toEqual(new Set(SERVICE_NAMES));
    // The completed job among the recent jobs, the failed one with its error code.
    await page.waitForSelector(`#jobs tr[data-key="${good.id}"] .pill.completed`);
    expect(await page.textContent(`#jobs tr[data-key="${bad.id}"]`)).toMatch(/failed.*MEDIA_/);
    expect(await page.textContent(`#jobs tr[data-key="${refused.id}"]`)).toMatch(/failed.*ENGINE_REJECTED/);
    expect(await page.textContent("#status")).toMatch(/healthy|degraded/);
    // Every stage of the pipeline has a lane row.
    expect(await page.$$eval("#lanes tbody tr", (rows) => rows.map((r) => r.getAttribute("data-key")))).toEqual([
      "ingest",
      "transcribe",
      "diarize",
      "enhance",
      "cleanup",
      "webhook",
    ]);

    // Pause the low lane from the page; the API and the page agree; resume it.
    await page.click("button[data-action=pause][data-lane=low]");
    await page.waitForSelector("button[data-action=resume][data-lane=low]");
    const health = await api<{ queues: { stage: string; paused: boolean }[] }>(sys.url, "/v1/admin/health", { token: adminToken });
    expect(health.body.queues.find((q) => q.stage === "cleanup")?.paused).toBe(true);
    await page.click("button[data-action=resume][data-lane=low]");
    await page.waitForSelector("button[data-action=pause][data-lane=low]");

    // Re-drive the dead letter: it leaves the list, and the reopened job now completes (the
    // provider accepts the chunk this time).
    await page.waitForSelector(`button[data-action=redrive][data-seq="${letter.seq}"]`);
    await page.screenshot({ path: join(await mkdir(ARTIFACTS, { recursive: true }).then(() => ARTIFACTS), "dashboard.png"), fullPage: true });
    await page.click(`button[data-action=redrive][data-seq="${letter.seq}"]`);
    await page.waitForSelector(`#dl-message:text-is("Dead letter ${letter.seq} re-driven.")`);
    expect((await letters()).some((l) => l.seq === letter.seq)).toBe(false);
    await page.waitForSelector(`button[data-seq="${letter.seq}"]`, { state: "detached" });
    expect((await untilEnded(sys, token, refused.id)).status).toBe("completed");
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
