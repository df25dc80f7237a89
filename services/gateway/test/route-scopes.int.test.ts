import type { RouteOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { ROUTE_SCOPES } from "../src/auth/route-scopes.ts";
import { startHarness, type Harness } from "./harness.ts";

describe("route scopes", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 30_000);
  afterAll(async () => {
    await h?.close();
  });

  it("gives every /v1 route a scope, and only the two event streams accept a stream token", async () => {
    const app = buildApp(h.deps);
    const routes: RouteOptions[] = [];
    app.addHook("onRoute", (r) => void routes.push(r));
    try {
      await app.ready();
      const api = routes.filter((r) => r.url.startsWith("/v1/") && r.method !== "OPTIONS");
      expect(api.length).toBeGreaterThan(30);
      for (const r of api) expect(r.config?.scope, `${String(r.method)} ${r.url}`).toMatch(/^(public|session|jobs:read|jobs:write|webhooks)$/);
      const streamRoutes = api.filter((r) => r.config?.streamToken).map((r) => `${String(r.method)} ${r.url}`);
      expect(streamRoutes.filter((r) => !r.startsWith("HEAD")).sort()).toEqual(["GET /v1/events", "GET /v1/jobs/:id/events"]);
      const admin = api.filter((r) => r.url.startsWith("/v1/admin/"));
      expect(admin.length).toBeGreaterThan(5);
      for (const r of admin) expect(r.config?.scope, r.url).toBe("session");
      // Every entry of the table names a route that exists, or one the agreed API adds in parallel.
      const registered = new Set(api.map((r) => `${String(r.method)} ${r.url}`));
      const missing = Object.keys(ROUTE_SCOPES).filter((k) => !registered.has(k));
      expect(missing.every((k) => k === "GET /v1/capabilities")).toBe(true);
      // The document lists 403 wherever a key can be refused, and not on public routes.
      const doc = app.swagger() as unknown as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
      expect(doc.paths["/v1/jobs/{id}"]!.get!.responses).toHaveProperty("403");
      expect(doc.paths["/v1/search"]!.get!.responses).toHaveProperty("403");
      expect(doc.paths["/v1/auth/login"]!.post!.responses).not.toHaveProperty("403");
    } finally {
      await app.close();
    }
  });

  it("refuses to start with a /v1 route that declares no scope", async () => {
    const app = buildApp(h.deps);
    app.register(async (child) => {
      child.get("/v1/forgotten", async () => ({ ok: true }));
    });
    try {
      await expect(app.ready()).rejects.toThrow(/GET \/v1\/forgotten declares no scope/);
    } finally {
      await app.close().catch(() => undefined);
    }
  });
});
