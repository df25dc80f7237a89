import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness.ts";

const CHROMIUM = "/usr/bin/chromium"; // Debian's chromium (scripts/toolchain.sh installs it)

/** Swagger UI at /docs, in a real browser, uploads a file through POST /v1/jobs's documented multipart body. */
describe("/docs: Try it out", () => {
  let h: Harness;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/toolchain.sh (Debian package chromium)`);
    h = await startHarness();
    url = await h.app.listen({ host: "127.0.0.1", port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it("authorizes with a bearer token, uploads a file with options and gets 202 with a job id", async () => {
    const { token } = await h.user();
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`${url}/docs`);

    await page.click("button.authorize");
    const scheme = page.locator(".modal-ux .auth-container").filter({ hasText: "bearerAuth" });
    await scheme.locator("input").fill(token);
    await scheme.locator("button.authorize").click();
    await page.locator(".modal-ux button.close-modal").click();

    const op = page.locator("#operations-jobs-createJob");
    await op.locator(".opblock-summary").click();
    await op.locator("button.try-out__btn").click();
    await op.locator("input[type=file]").setInputFiles({ name: "talk.mp4", mimeType: "video/mp4", buffer: Buffer.alloc(2048, 7) });
    await op
      .locator("tr[data-property-name=options] input, tr[data-param-name=options] input, [data-property-name=options] textarea")
      .first()
      .fill('{"language":"en","diarize":false}');
    const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/v1/jobs");
    await op.locator("button.execute").click();
    const res = await answered;

    expect(res.status(), await res.text()).toBe(202);
    const job = (await res.json()) as { id: string; fileName: string; options: { diarize: boolean } };
    expect(job.id).toMatch(/^[0-9a-z]{26}$/);
    expect(job).toMatchObject({ fileName: "talk.mp4", options: { diarize: false } });
    // Swagger UI renders the answer after the response arrives; a loaded machine takes more than poll's default second.
    await expect.poll(() => op.locator(".live-responses-table tbody .response-col_status").first().textContent(), { timeout: 15_000 }).toContain("202");
    const stored = await h.deps.jobs.getJob({
      userId: (await h.app.inject({ method: "GET", url: "/v1/me", headers: { authorization: `Bearer ${token}` } })).json().id,
      jobId: job.id,
    });
    expect(stored?.sizeBytes).toBe(2048);
    expect(pageErrors).toEqual([]);
  });
});
