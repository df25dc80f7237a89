import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCode, startHarness, type Harness } from "./harness.ts";

const METRICS_TOKEN = "metrics-token-Zq3u0v9XH1rN8kq2m4yJ7cT5wB6e";
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ METRICS_TOKEN, CORS_ORIGINS: "https://app.example.com" });
});
afterAll(async () => {
  await h?.close();
});

/** What @fastify/helmet sets; each must be on every response. */
const HELMET = [
  "content-security-policy",
  "x-content-type-options",
  "x-frame-options",
  "strict-transport-security",
  "referrer-policy",
  "cross-origin-opener-policy",
];

describe("security headers", () => {
  it.each([
    ["GET", "/v1/jobs", {}],
    ["POST", "/v1/auth/login", { email: "nobody@example.com", password: "whatever it is" }],
    ["GET", "/docs/", undefined],
    ["GET", "/openapi.json", undefined],
    ["GET", "/health", undefined],
    ["GET", "/nope", undefined],
  ] as const)("are on %s %s", async (method, url, payload) => {
    const res = await h.app.inject({ method, url, ...(payload ? { payload } : {}) });
    for (const name of HELMET) expect(res.headers[name], `${url} ${name}`).toBeDefined();
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("are on /metrics, and the dashboard keeps its own strict CSP", async () => {
    const metrics = await h.app.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.statusCode).toBe(200);
    for (const name of HELMET) expect(metrics.headers[name], name).toBeDefined();
    const dash = await h.app.inject({ method: "GET", url: "/dashboard/" });
    expect(dash.statusCode).toBe(200);
    expect(dash.headers["content-security-policy"]).toBe(
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
    );
    expect(dash.headers["x-frame-options"]).toBeDefined();
  });

  it("are on event streams too (hijacked responses)", async () => {
    const base = await h.app.listen({ port: 0, host: "127.0.0.1" });
    const u = await h.user();
    const up = new FormData();
    up.append("file", new Blob([new Uint8Array(100).fill(1)], { type: "video/mp4" }), "a.mp4");
    const job = (await (await fetch(`${base}/v1/jobs`, { method: "POST", headers: u.auth, body: up })).json()) as { id: string };
    const ac = new AbortController();
    const res = await fetch(`${base}/v1/jobs/${job.id}/events`, { headers: u.auth, signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    ac.abort();
  });
});

describe("/metrics on the API port", () => {
  it("needs the METRICS_TOKEN bearer", async () => {
    for (const authorization of [undefined, "Bearer wrong", `Basic ${METRICS_TOKEN}`, `Bearer ${METRICS_TOKEN}x`]) {
      const res = await h.app.inject({ method: "GET", url: "/metrics", headers: authorization ? { authorization } : {} });
      expect(res.statusCode, authorization).toBe(401);
    }
  });

  it("is not served at all without METRICS_TOKEN (the default)", async () => {
    const g = await startHarness();
    try {
      const res = await g.app.inject({ method: "GET", url: "/metrics" });
      expect(res.statusCode).toBe(404);
      expect(errorCode(res)).toBe("NOT_FOUND");
    } finally {
      await g.close();
    }
  });
});

describe("CORS", () => {
  it("answers listed origins only", async () => {
    const pre = (origin: string) =>
      h.app.inject({
        method: "OPTIONS",
        url: "/v1/jobs",
        headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "authorization" },
      });
    const ok = await pre("https://app.example.com");
    expect(ok.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    const evil = await pre("https://evil.example.com");
    expect(evil.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("is off by default: no CORS headers for any origin", async () => {
    const g = await startHarness();
    try {
      const res = await g.app.inject({ method: "GET", url: "/health", headers: { origin: "https://app.example.com" } });
      expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    } finally {
      await g.close();
    }
  });
});
