import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEBAPP_CSP } from "../src/webapp/webapp.routes.ts";
import { startHarness, type Harness } from "./harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ REGISTRATION: "invite" });
});
afterAll(async () => {
  await h?.close();
});

describe("the web app's files", () => {
  it("serves the page at / with the strict CSP, gzipped when asked, and 304 for a known ETag", async () => {
    const page = await h.app.inject({ method: "GET", url: "/", headers: { "accept-encoding": "gzip, br" } });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-security-policy"]).toBe(WEBAPP_CSP);
    expect(WEBAPP_CSP).toMatch(/script-src 'self';/);
    expect(WEBAPP_CSP).not.toMatch(/unsafe|https?:/);
    expect(page.headers["content-encoding"]).toBe("gzip");
    const html = gunzipSync(page.rawPayload).toString("utf8");
    expect(html).toContain('<script type="module" src="/app/js/main.js"></script>');
    expect(html).not.toMatch(/<script>|<style|style="/);
    const again = await h.app.inject({ method: "GET", url: "/", headers: { "if-none-match": String(page.headers.etag) } });
    expect(again.statusCode).toBe(304);
    const js = await h.app.inject({ method: "GET", url: "/app/js/pages/transcript.js" });
    expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(js.body).toContain("export async function transcriptPage");
    expect(js.body).not.toContain("innerHTML");
  });

  it("answers only the files it has", async () => {
    for (const url of ["/app/../config.ts", "/app/js/%2e%2e/webapp.routes.ts", "/app/nope.js", "/webapp.routes.ts"]) {
      expect((await h.app.inject({ method: "GET", url })).statusCode, url).toBe(404);
    }
  });

  it("tells the sign-up page the registration mode", async () => {
    const r = await h.app.inject({ method: "GET", url: "/v1/auth/registration" });
    expect(r.json()).toEqual({ mode: "invite" });
  });
});
