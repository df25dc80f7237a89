import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The gateway's own test harness: a real app on a real nats-server, used through inject.
import { seedAdmin } from "../src/auth/seed-admin.ts";
import { startHarness, type Harness } from "./harness.ts";

let h: Harness;
let admin: { authorization: string };

beforeAll(async () => {
  h = await startHarness();
  await seedAdmin(h.deps.jobs, { email: "admin@example.com", password: "admin-password" }, h.deps.logger, h.deps.config.PASSWORD_HASH_COST);
  const login = await h.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email: "admin@example.com", password: "admin-password" } });
  admin = { authorization: `Bearer ${login.json().token}` };
});
afterAll(async () => {
  await h?.close();
});

describe("GET /v1/admin/lanes", () => {
  it("shows every lane and class with its backlog, for admins only", async () => {
    await h.deps.publisher.command("cleanup", "batch", { v: 1, jobId: "01jd3f5h7k9m1p3r5t7v9x1z3b", userId: "someone", reason: "deleted" }, "lanes-route-1");
    const res = await h.app.inject({ method: "GET", url: "/v1/admin/lanes", headers: admin });
    expect(res.statusCode, res.body).toBe(200);
    const { lanes } = res.json() as { lanes: { lane: string; class: string; pending: number; oldestWaitingSec: number | null }[] };
    expect(lanes.map((l) => `${l.lane}/${l.class}`)).toEqual([
      "critical/interactive",
      "critical/batch",
      "high/interactive",
      "high/batch",
      "default/interactive",
      "default/batch",
      "low/interactive",
      "low/batch",
    ]);
    const low = lanes.find((l) => l.lane === "low" && l.class === "batch")!;
    expect(low.pending).toBeGreaterThanOrEqual(1);
    expect(low.oldestWaitingSec).toBeGreaterThanOrEqual(0);

    const user = await h.user();
    expect((await h.app.inject({ method: "GET", url: "/v1/admin/lanes", headers: user.auth })).statusCode).toBe(403);
    expect((await h.app.inject({ method: "GET", url: "/v1/admin/lanes" })).statusCode).toBe(401);
  });
});
