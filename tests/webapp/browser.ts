import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../e2e/browser.ts";
import { expect } from "vitest";

export const SHOTS = join(import.meta.dirname, "..", "artifacts", "webapp");
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export async function launch(): Promise<Browser> {
  await mkdir(SHOTS, { recursive: true });
  // Playback starts without a click, silently: the test follows the highlighted word as it plays.
  return launchChromium(["--autoplay-policy=no-user-gesture-required", "--mute-audio"]);
}

/** Page errors and CSP refusals, collected for a final "none" check. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  return problems;
}

const axeSource = readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

type Violation = { id: string; impact: string | null; help: string; nodes: string[][] };

/**
 * axe-core in the page (through the DevTools protocol, which the page's CSP does not govern):
 * no serious or critical WCAG 2.x A/AA violation.
 */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  await page.evaluate(await axeSource);
  const violations = (await page.evaluate(`axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target) })))`)) as Violation[];
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad, `${name}: ${JSON.stringify(bad, null, 1)}`).toEqual([]);
}

/** The page at desktop and phone width, into tests/artifacts/webapp/<name>-desktop|phone.png. */
export async function screenshots(page: Page, name: string): Promise<void> {
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
}

/** One page checked: accessible, and photographed at both widths. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  await screenshots(page, name);
}

/**
 * The first load of `url` on DevTools' "Slow 3G" (2 s latency, 50 kB/s each way) with an empty
 * cache: bytes on the wire (headers included) and the time until `ready` is visible.
 */
export async function slow3gFirstLoad(browser: Browser, url: string, ready: string) {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 2000, downloadThroughput: 50_000, uploadThroughput: 50_000 });
  const urls = new Map<string, string>();
  let bytes = 0;
  cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
  cdp.on("Network.loadingFinished", (e) => (bytes += e.encodedDataLength));
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector(ready);
  const ms = Date.now() - t0;
  await context.close();
  return { bytes, ms, requests: [...urls.values()] };
}

export type PlayerState = { t: number; i: number; paused: boolean; ready: number };

/** The player's time and state, and the index of the highlighted word (-1: none). */
export const playerState = (page: Page) =>
  page.evaluate(`(() => {
  const p = document.getElementById("player");
  const now = document.querySelector(".w.now");
  return { t: p.currentTime, i: now ? Number(now.dataset.i) : -1, paused: p.paused, ready: p.readyState };
})()`) as Promise<PlayerState>;

/**
 * Waits until `expression` is truthy in the page. Playwright's waitForFunction evaluates a string
 * with eval inside the page, which the app's CSP (rightly) refuses; page.evaluate goes through
 * the DevTools protocol, so the expression is polled from here.
 */
export async function waitForExpression(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!(await page.evaluate(expression))) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`not true within ${timeoutMs} ms: ${expression}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
