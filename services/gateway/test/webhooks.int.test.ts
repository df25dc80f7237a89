import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCode, startHarness, type Harness } from "./harness.ts";

type Endpoint = { id: string; url: string; events: string[]; description: string; enabled: boolean; disabledReason: string | null; secret?: string };

/** /v1/webhooks on a real gateway and nats-server; loopback refused here as outside development. */
describe("webhook endpoints API", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ WEBHOOK_ALLOW_LOOPBACK: "false", WEBHOOK_MAX_PER_USER: "3" });
  });
  afterAll(async () => {
    await h?.close();
  });

  const call = (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, auth: { authorization: string }, payload?: unknown) =>
    h.app.inject({ method, url, headers: auth, ...(payload === undefined ? {} : { payload: payload as object }) });

  it("creates an endpoint with a Standard Webhooks secret shown once, lists, reads, changes and deletes it", async () => {
    const { auth } = await h.user();
    const created = await call("POST", "/v1/webhooks", auth, { url: "https://8.8.8.8/hook", events: ["job.completed", "job.completed"], description: "ci" });
    expect(created.statusCode, created.body).toBe(201);
    const ep = created.json() as Endpoint;
    expect(ep).toMatchObject({ url: "https://8.8.8.8/hook", events: ["job.completed"], description: "ci", enabled: true });
    expect(ep.secret).toMatch(/^whsec_/);
    expect(Buffer.from(ep.secret!.slice(6), "base64").length).toBeGreaterThanOrEqual(24);

    const list = (await call("GET", "/v1/webhooks", auth)).json() as { items: Endpoint[] };
    expect(list.items).toEqual([
      { id: ep.id, url: ep.url, events: ep.events, description: "ci", enabled: true, createdAt: expect.any(String), disabledReason: null },
    ]);
    expect(JSON.stringify(list)).not.toContain(ep.secret);
    expect((await call("GET", `/v1/webhooks/${ep.id}`, auth)).json()).toMatchObject({ id: ep.id, disabledReason: null });

    const patched = await call("PATCH", `/v1/webhooks/${ep.id}`, auth, { events: ["job.failed", "job.canceled"], enabled: false });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ events: ["job.failed", "job.canceled"], enabled: false, disabledReason: null });
    expect((await call("GET", `/v1/webhooks/${ep.id}/deliveries`, auth)).json()).toEqual({ items: [] });
    expect((await call("DELETE", `/v1/webhooks/${ep.id}`, auth)).statusCode).toBe(204);
    expect((await call("GET", `/v1/webhooks/${ep.id}`, auth)).statusCode).toBe(404);
  });

  it("refuses private, loopback, link-local and non-http targets with 400 WEBHOOK_URL_NOT_ALLOWED, at create and update", async () => {
    const { auth } = await h.user();
    for (const url of [
      "http://10.0.0.1/",
      "http://169.254.169.254/latest/meta-data/",
      "http://[::ffff:169.254.169.254]/",
      "http://192.168.1.10:8080/x",
      "http://100.64.0.1/",
      "http://[fd00::1]/",
      "http://0.0.0.0/",
      "http://localhost:8080/hook",
      "http://127.0.0.1:8080/hook",
      "ftp://8.8.8.8/",
      "https://user:pw@8.8.8.8/",
    ]) {
      const res = await call("POST", "/v1/webhooks", auth, { url, events: ["job.completed"] });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(errorCode(res)).toBe("WEBHOOK_URL_NOT_ALLOWED");
    }
    const ep = (await call("POST", "/v1/webhooks", auth, { url: "https://8.8.8.8/", events: ["job.completed"] })).json() as Endpoint;
    const res = await call("PATCH", `/v1/webhooks/${ep.id}`, auth, { url: "http://169.254.169.254/" });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe("WEBHOOK_URL_NOT_ALLOWED");
    expect((await call("GET", `/v1/webhooks/${ep.id}`, auth)).json()).toMatchObject({ url: "https://8.8.8.8/" });
    const bad = await call("POST", "/v1/webhooks", auth, { url: "https://8.8.8.8/", events: ["job.started"] });
    expect(errorCode(bad)).toBe("VALIDATION_FAILED");
  });

  it("keeps each user's endpoints to their owner", async () => {
    const a = await h.user();
    const b = await h.user();
    const ep = (await call("POST", "/v1/webhooks", a.auth, { url: "https://8.8.8.8/a", events: ["job.completed"] })).json() as Endpoint;
    expect((await call("GET", "/v1/webhooks", b.auth)).json()).toEqual({ items: [] });
    for (const [method, url, body] of [
      ["GET", `/v1/webhooks/${ep.id}`],
      ["PATCH", `/v1/webhooks/${ep.id}`, { enabled: false }],
      ["DELETE", `/v1/webhooks/${ep.id}`],
      ["GET", `/v1/webhooks/${ep.id}/deliveries`],
      ["POST", `/v1/webhooks/${ep.id}/deliveries/${"0".repeat(26)}-completed/resend`],
    ] as const) {
      const res = await call(method, url, b.auth, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(errorCode(res)).toBe("NOT_FOUND");
    }
    expect((await call("GET", `/v1/webhooks/${ep.id}`, a.auth)).json()).toMatchObject({ enabled: true });
    expect((await h.app.inject({ method: "GET", url: "/v1/webhooks" })).statusCode).toBe(401);
  });

  it("documents every webhook route in the OpenAPI document, with an operation id", async () => {
    const doc = (await h.app.inject({ method: "GET", url: "/openapi.json" })).json() as { paths: Record<string, Record<string, { operationId?: string }>> };
    const ops = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith("/v1/webhooks"))
      .flatMap(([, methods]) => Object.values(methods).map((m) => m.operationId));
    expect(ops.sort()).toEqual([
      "createWebhook",
      "deleteWebhook",
      "getWebhook",
      "listWebhookDeliveries",
      "listWebhooks",
      "resendWebhookDelivery",
      "updateWebhook",
    ]);
  });

  it("limits endpoints per user", async () => {
    const { auth } = await h.user();
    for (let i = 0; i < 3; i++)
      expect((await call("POST", "/v1/webhooks", auth, { url: `https://8.8.8.8/${i}`, events: ["job.failed"] })).statusCode).toBe(201);
    const res = await call("POST", "/v1/webhooks", auth, { url: "https://8.8.8.8/4", events: ["job.failed"] });
    expect(res.statusCode).toBe(409);
    expect(errorCode(res)).toBe("WEBHOOK_LIMIT_REACHED");
  });
});
