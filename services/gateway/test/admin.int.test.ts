import { createDiscovery } from "@mp4t/messaging/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedAdmin } from "../src/auth/seed-admin.ts";
import { errorCode, startHarness, type Harness } from "./harness.ts";

let h: Harness;
const services: { stop(): Promise<unknown> }[] = [];
let adminAuth: { authorization: string };

beforeAll(async () => {
  h = await startHarness();
  await seedAdmin(h.deps.jobs, { email: "admin@example.com", password: "admin-password" }, h.deps.logger, h.deps.config.PASSWORD_HASH_COST);
  const login = await h.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email: "admin@example.com", password: "admin-password" } });
  adminAuth = { authorization: `Bearer ${login.json().token}` };
});
afterAll(async () => {
  for (const s of services) await s.stop().catch(() => undefined);
  await h?.close();
});

describe("GET /v1/admin/services", () => {
  it("lists every live instance from NATS service discovery, with its lanes and stats", async () => {
    // Real registrations on the same NATS, as ingest and transcriber replicas make at start.
    const nc2 = await h.nats.connect();
    try {
      services.push(await createDiscovery(h.nc).register({ service: "ingest", lanes: ["critical"], stats: () => ({ processed: 3 }) }));
      services.push(await createDiscovery(nc2).register({ service: "transcriber", lanes: ["high"], stats: () => ({ processed: 7 }) }));
      services.push(await createDiscovery(nc2).register({ service: "transcriber", lanes: ["high"], stats: () => ({ processed: 9 }) }));

      const res = await h.app.inject({ method: "GET", url: "/v1/admin/services", headers: adminAuth });
      expect(res.statusCode, res.body).toBe(200);
      const items = res.json() as Array<Record<string, unknown>>;
      expect(items.map((i) => i.name)).toEqual(["ingest", "transcriber", "transcriber"]);
      expect(items[0]).toMatchObject({ lane: "critical", lanes: ["critical"], pid: process.pid, version: "0.1.0", stats: { processed: 3 } });
      expect(
        items
          .filter((i) => i.name === "transcriber")
          .map((i) => (i.stats as { processed: number }).processed)
          .sort(),
      ).toEqual([7, 9]);
      expect(new Set(items.map((i) => i.id)).size).toBe(3);

      await services.pop()!.stop();
      const after = (await h.app.inject({ method: "GET", url: "/v1/admin/services", headers: adminAuth })).json() as unknown[];
      expect(after).toHaveLength(2);
    } finally {
      await nc2.close();
    }
  });

  it("is 403 FORBIDDEN for a signed-in user who is not an admin", async () => {
    const { auth } = await h.user();
    const res = await h.app.inject({ method: "GET", url: "/v1/admin/services", headers: auth });
    expect(res.statusCode).toBe(403);
    expect(errorCode(res)).toBe("FORBIDDEN");
  });

  it("is 401 UNAUTHORIZED without a token", async () => {
    const res = await h.app.inject({ method: "GET", url: "/v1/admin/services" });
    expect(res.statusCode).toBe(401);
    expect(errorCode(res)).toBe("UNAUTHORIZED");
  });
});
