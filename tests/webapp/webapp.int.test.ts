import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeLibrivoxMp3, makeLibrivoxMp4 } from "@mp4t/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, login, startSystem, untilEnded, type RunningSystem } from "../e2e/system.ts";
import { checkPage, DESKTOP, launch, playerState, SHOTS, slow3gFirstLoad, waitForExpression, watchProblems } from "./browser.ts";
import { resumeDroppedUpload } from "./tus-node.ts";

const PASSWORD = "webapp-e2e-password-1";

/**
 * The web app in Debian's chromium against the whole system (`npm start`, PocketSphinx): a
 * person signs up, uploads an MP4 with video and an MP3 at once, watches both complete live,
 * plays one with the spoken word highlighted, seeks by clicking a word, names a speaker and
 * downloads SRT with the name, corrects a word and finds it by search, deletes a job; another
 * person sees none of it. Every page passes axe-core and is photographed at two widths.
 */
describe("web app: a person transcribes recordings in the browser", () => {
  let sys: RunningSystem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let media: string;
  let mp4: { path: string };
  let mp3: { path: string };
  const email = `person-${Date.now()}@webapp.test`;
  const jobs: { video?: string; audio?: string; resumed?: string } = {};
  let token: string;

  beforeAll(async () => {
    media = await mkdtemp(join(tmpdir(), "mp4t-webapp-"));
    [mp4, mp3] = await Promise.all([makeLibrivoxMp4(join(media, "interview.mp4"), { clips: 3 }), makeLibrivoxMp3(join(media, "voice-memo.mp3"), 2)]);
    sys = await startSystem({ CHUNK_MAX_SEC: "15" });
    browser = await launch();
    context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
    page = await context.newPage();
    problems = watchProblems(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
    await rm(media, { recursive: true, force: true });
  }, 60_000);

  it("signs up and uploads an MP4 with video and an MP3 at once, with per-file progress", async () => {
    await page.goto(sys.url);
    await page.waitForURL(/#\/signin$/);
    await page.waitForSelector("form[aria-label='Sign in']");
    await checkPage(page, "signin");
    await page.click("text=Create one");
    await page.waitForSelector("form[aria-label='Create an account']");
    await checkPage(page, "signup");
    await page.fill("input[name=email]", email);
    await page.fill("input[name=password]", PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForURL(/#\/upload$/);
    await page.waitForSelector("#files");
    // Only what this deployment serves is offered: the languages GET /v1/capabilities lists (here
    // PocketSphinx's installed models), and an engine choice only where there are several engines.
    token = await login(sys.url, email, PASSWORD);
    const caps = (await api<{ engines: { id: string; languages: string[] }[] }>(sys.url, "/v1/capabilities", { token })).body;
    const served = [...new Set(caps.engines.flatMap((e) => e.languages))].filter((l) => l !== "*").sort();
    const offered = await page.$$eval("select[name=language] option", (os) => os.map((o) => o.getAttribute("value") ?? "").sort());
    expect(served.length).toBeGreaterThan(0);
    expect(offered).toEqual(served);
    expect(offered).not.toContain("fr");
    expect(await page.$$("select[name=engine]")).toHaveLength(caps.engines.length > 1 ? 1 : 0);
    await page.setInputFiles("#files", [mp4.path, mp3.path]);
    await page.waitForSelector("li.upload[data-job-id] >> nth=1", { timeout: 60_000 });
    const rows = await page.$$eval("li.upload", (els) =>
      els.map((e) => ({
        name: e.querySelector("strong")?.textContent,
        job: e.getAttribute("data-job-id") ?? undefined,
        bar: Number(e.querySelector("progress")?.getAttribute("value")),
      })),
    );
    expect(rows.map((r) => r.name)).toEqual(["interview.mp4", "voice-memo.mp3"]);
    for (const r of rows) expect(r.bar).toBe(1);
    [jobs.video, jobs.audio] = rows.map((r) => r.job);
    await checkPage(page, "upload");
    token = await login(sys.url, email, PASSWORD);
  }, 120_000);

  it("watches both jobs complete live on the jobs page", async () => {
    await page.goto(`${sys.url}/#/jobs`);
    await page.waitForSelector(`tr[data-key="${jobs.video}"]`);
    await checkPage(page, "jobs-running");
    for (const id of [jobs.video, jobs.audio]) await page.waitForSelector(`tr[data-key="${id}"] .pill.completed`, { timeout: 240_000 });
    expect(await page.textContent("#live-mode")).toMatch(/Live updates|every 3 seconds/);
    await checkPage(page, "jobs");
  }, 300_000);

  it("plays the video with the spoken word highlighted, and a click on a word seeks", async () => {
    await page.click(`tr[data-key="${jobs.video}"] a`);
    await page.waitForSelector("body[data-transcript]");
    await waitForExpression(page, `document.getElementById("player").readyState >= 1`);
    const words = await page.$$eval(".w", (els) => els.length);
    expect(words).toBeGreaterThan(20);
    // Click a word in the middle: the player jumps to it and plays.
    const target = await page.$$(".w").then((els) => els[Math.floor(words / 2)]!);
    const clicked = Number(await target.getAttribute("data-i"));
    await target.click();
    const at = (await playerState(page)).t;
    await waitForExpression(page, `!document.getElementById("player").paused`);
    // The highlight lands on the clicked word (give or take a word: the seek may land a hair before its start, or playback may have moved on).
    await waitForExpression(page, `Number(document.querySelector(".w.now")?.dataset.i ?? -1) >= ${clicked - 1}`);
    const first = await playerState(page);
    expect(Math.abs(first.t - at)).toBeLessThan(1.5);
    expect(at).toBeGreaterThan(3);
    expect(Math.abs(first.i - clicked)).toBeLessThanOrEqual(2);
    // While it plays, the clock and the highlight move forward together.
    await waitForExpression(
      page,
      `document.getElementById("player").currentTime > ${first.t} && Number(document.querySelector(".w.now")?.dataset.i ?? -1) > ${first.i + 2}`,
      15_000,
    );
    const later = await playerState(page);
    expect(later.t).toBeGreaterThan(first.t);
    const transcript = (await api<{ segments: { words: { start: number; end: number }[] }[] }>(sys.url, `/v1/jobs/${jobs.video}/transcript`, { token })).body;
    const all = transcript.segments.flatMap((s) => s.words);
    expect(all[later.i]!.start).toBeLessThanOrEqual(later.t + 0.3);
    await page.evaluate(`document.getElementById("player").pause()`);
    await checkPage(page, "transcript");
  }, 60_000);

  it("names a speaker and every download uses the name; SRT downloads from the page", async () => {
    const version = Number(await page.getAttribute("body", "data-transcript"));
    await page.fill("input[name=speaker] >> nth=0", "Alice Example");
    await page.click("text=Save names");
    await waitForExpression(page, `Number(document.body.dataset.transcript) > ${version}`);
    for (const format of ["json", "txt", "srt", "vtt", "md"]) {
      const r = await api(sys.url, `/v1/jobs/${jobs.video}/transcript?format=${format}`, { token });
      expect(r.text, format).toContain("Alice Example");
    }
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("button[data-format=srt]")]);
    expect(download.suggestedFilename()).toBe("interview.srt");
    const srt = await readFile((await download.path())!, "utf8");
    expect(srt).toMatch(/^1\r?\n\d\d:\d\d:\d\d,\d{3} --> /);
    expect(srt).toContain("Alice Example");
  }, 60_000);

  it("corrects a word and finds the correction by search at the right second", async () => {
    const version = Number(await page.getAttribute("body", "data-transcript"));
    const seg = await page.$$eval(".segment", (els) => els.map((e) => ({ start: Number(e.getAttribute("data-start")) })));
    const index = Math.min(1, seg.length - 1);
    await page.click(`.segment[data-index="${index}"] button.edit`);
    const text = await page.inputValue(".editor textarea");
    await page.fill(".editor textarea", ["zanzibar", ...text.split(" ").slice(1)].join(" "));
    await page.click(".editor button:text-is('Save')");
    await waitForExpression(page, `Number(document.body.dataset.transcript) > ${version}`);
    expect(await page.textContent(`.segment[data-index="${index}"]`)).toContain("zanzibar");
    await page.click("#nav a[href='#/search']");
    await page.fill("input[name=q]", "zanzibar");
    await page.press("input[name=q]", "Enter");
    const hit = await page.waitForSelector(`.hits a[href^="#/jobs/${jobs.video}?t="]`);
    expect(await page.textContent(".hits mark")).toMatch(/zanzibar/i);
    await checkPage(page, "search");
    await hit.click();
    await page.waitForSelector(".segment.hit");
    expect(Number(await page.getAttribute(".segment.hit", "data-index"))).toBe(index);
    await waitForExpression(page, `Math.abs(document.getElementById("player").currentTime - ${seg[index]!.start}) < 0.5`);
  }, 60_000);

  it("deletes a job, and shows the account, keys and webhooks pages", async () => {
    await page.goto(`${sys.url}/#/jobs`);
    await page.waitForSelector(`tr[data-key="${jobs.audio}"]`);
    page.once("dialog", (d) => void d.accept());
    await page.click(`tr[data-key="${jobs.audio}"] button:text-is('Delete')`);
    await page.waitForSelector(`tr[data-key="${jobs.audio}"]`, { state: "detached" });
    const gone = await api(sys.url, `/v1/jobs/${jobs.audio}`, { token });
    expect([404, 200]).toContain(gone.status); // the janitor removes the record asynchronously
    for (const [hash, name, ready] of [
      ["#/account", "account", "text=Change password"],
      ["#/keys", "keys", "h1:text-is('API keys')"],
      ["#/webhooks", "webhooks", "h1:text-is('Webhooks')"],
    ] as const) {
      await page.goto(`${sys.url}/${hash}`);
      await page.waitForSelector(ready);
      await checkPage(page, name);
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it("shows another person none of it", async () => {
    const other = await browser.newContext({ viewport: DESKTOP });
    const p = await other.newPage();
    await p.goto(`${sys.url}/#/signup`);
    await p.fill("input[name=email]", `other-${Date.now()}@webapp.test`);
    await p.fill("input[name=password]", PASSWORD);
    await p.click("button[type=submit]");
    await p.waitForURL(/#\/upload$/);
    await p.goto(`${sys.url}/#/jobs`);
    await p.waitForSelector("body[data-jobs=loaded]");
    expect(await p.$$("tbody tr")).toHaveLength(0);
    await p.goto(`${sys.url}/#/search?q=zanzibar`);
    await p.waitForSelector("text=No matches");
    await p.goto(`${sys.url}/#/jobs/${jobs.video}`);
    await p.waitForSelector("[role=alert]");
    expect(await p.textContent("[role=alert]")).toMatch(/no such job/);
    await other.close();
  }, 60_000);

  it("resumes a dropped upload of real media from the server's offset, and the job completes", async () => {
    const bytes = await readFile(mp3.path);
    const jobId = await resumeDroppedUpload(sys.url, token, bytes, "resumed.mp3");
    jobs.resumed = jobId;
    const job = await untilEnded(sys, token, jobId, 240_000);
    expect(job.status).toBe("completed");
    expect(job.sizeBytes).toBe(bytes.length);
  }, 300_000);

  it("loads the first page on slow 3G", async () => {
    const first = await slow3gFirstLoad(browser, sys.url, "form[aria-label='Sign in']");
    for (const u of first.requests) expect(new URL(u).origin).toBe(sys.url);
    expect(first.bytes).toBeGreaterThan(0);
    console.info(`first load on slow 3G: ${first.bytes} bytes in ${first.requests.length} requests, sign-in form after ${first.ms} ms`);
  }, 120_000);

  it("charts the last hour on the operators' dashboard", async () => {
    const admin = await browser.newContext({ viewport: DESKTOP });
    const p = await admin.newPage();
    const seen = watchProblems(p);
    await p.goto(`${sys.url}/dashboard/`);
    await p.fill("input[name=email]", sys.admin.email);
    await p.fill("input[name=password]", sys.admin.password);
    await p.click("button[type=submit]");
    await p.waitForSelector("#charts svg.chart >> nth=2", { timeout: 30_000 });
    const labels = await p.$$eval("#charts svg.chart", (els) => els.map((e) => e.getAttribute("aria-label")));
    // Three jobs completed in this hour: the two uploaded from the page and the resumed one.
    expect(labels[0]).toMatch(/^Throughput.*completed 3, failed 0$/);
    expect(labels[1]).toMatch(/^Stage latency.*ingest \d/);
    expect(labels[2]).toMatch(/^Backlog/);
    await p.screenshot({ path: join(SHOTS, "dashboard-charts-desktop.png"), fullPage: true });
    expect(seen).toEqual([]);
    await admin.close();
  }, 60_000);

  it("keeps a job deleted while its list loads off the jobs page: the list predates the delete, the stream's event wins", async () => {
    const id = jobs.resumed!;
    // The jobs page opens its stream, then reads the list: that read is answered as the server
    // gave it, but only after the job was deleted and the page had the stream's event for it.
    let listed: string | undefined;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const list = /\/v1\/jobs\?/;
    await page.route(list, async (route) => {
      const response = await route.fetch();
      listed = await response.text();
      await held;
      await route.fulfill({ response, body: listed });
    });
    // The janitor removes the record a moment after the DELETE; until then a read of the job still
    // finds it. Held so here (the record as it was), so no read can make the row come back.
    const before = await api(sys.url, `/v1/jobs/${id}`, { token });
    expect(before.status).toBe(200);
    const read = new RegExp(`/v1/jobs/${id}$`);
    await page.route(read, (route) => route.fulfill({ status: 200, contentType: "application/json", body: before.text }));
    try {
      await page.goto(`${sys.url}/#/jobs`);
      for (const end = Date.now() + 10_000; listed === undefined && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
      expect(listed).toContain(id);
      await page.evaluate("delete document.body.dataset.jobs");
      expect((await api(sys.url, `/v1/jobs/${id}`, { method: "DELETE", token })).status).toBe(204);
      await waitForExpression(page, `document.body.dataset.lastEvent === ${JSON.stringify(`deleted ${id}`)}`);
      release();
      await page.waitForSelector("body[data-jobs=loaded]");
      expect(await page.$(`tr[data-key="${jobs.video}"]`)).not.toBeNull(); // the rest of the list shows
      await page.waitForSelector(`tr[data-key="${id}"]`, { state: "detached", timeout: 5000 });
      // Reads scheduled meanwhile (300 ms after an event) do not bring it back.
      await new Promise((r) => setTimeout(r, 1500));
      expect(await page.$(`tr[data-key="${id}"]`)).toBeNull();
    } finally {
      release();
      await page.unroute(list);
      await page.unroute(read);
    }
  }, 60_000);
});
