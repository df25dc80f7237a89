import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytes, errorCode, startHarness, uploadBody, type Harness } from "./harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe("the uniform error shape", () => {
  it.each([
    ["GET", "/nope"],
    ["GET", "/v1/jobs/abc/def/ghi"],
    ["PUT", "/v1/jobs"],
    ["POST", "/v1/admin/services"],
  ] as const)("%s %s is 404 NOT_FOUND", async (method, url) => {
    const res = await h.app.inject({ method, url });
    expect(res.statusCode).toBe(404);
    expect(errorCode(res)).toBe("NOT_FOUND");
  });

  it("answers malformed JSON with 400 INVALID_JSON, an empty JSON body included", async () => {
    for (const payload of ["{", "[1,", ""]) {
      const res = await h.app.inject({ method: "POST", url: "/v1/auth/login", headers: { "content-type": "application/json" }, payload });
      expect(res.statusCode, payload).toBe(400);
      expect(errorCode(res)).toBe("INVALID_JSON");
    }
  });

  it("answers a missing body with 400 VALIDATION_FAILED", async () => {
    const res = await h.app.inject({ method: "POST", url: "/v1/auth/login" });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe("VALIDATION_FAILED");
  });

  it("answers an unsupported content type with 415 UNSUPPORTED_CONTENT_TYPE", async () => {
    for (const type of ["text/plain", "application/xml", "application/x-www-form-urlencoded"]) {
      const res = await h.app.inject({ method: "POST", url: "/v1/auth/login", headers: { "content-type": type }, payload: "email=x" });
      expect(res.statusCode, type).toBe(415);
      expect(errorCode(res)).toBe("UNSUPPORTED_CONTENT_TYPE");
    }
  });

  it("answers an oversized JSON body with 413, not 5xx", async () => {
    const res = await h.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email: "a@b.co", password: "x".repeat(2 * 1024 * 1024) } });
    expect(res.statusCode).toBe(413);
    expect(errorCode(res)).toBe("VALIDATION_FAILED");
  });
});

describe("docs and probes", () => {
  it("serves the OpenAPI document generated from the route schemas", async () => {
    const res = await h.app.inject({ method: "GET", url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      "/v1/auth/register",
      "/v1/auth/login",
      "/v1/auth/refresh",
      "/v1/auth/logout",
      "/v1/auth/password",
      "/v1/me",
      "/v1/admin/invites",
      "/v1/jobs",
      "/v1/jobs/{id}",
      "/v1/jobs/{id}/transcript",
      "/v1/jobs/{id}/events",
      "/v1/admin/services",
      "/health",
      "/ready",
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths["/v1/auth/register"].post.requestBody.content["application/json"].schema.properties.password.minLength).toBe(12);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("serves Swagger UI at /docs", async () => {
    const res = await h.app.inject({ method: "GET", url: "/docs/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
  });

  it("answers /health and /ready while NATS is up", async () => {
    expect((await h.app.inject({ method: "GET", url: "/health" })).json()).toEqual({ status: "ok" });
    const ready = await h.app.inject({ method: "GET", url: "/ready" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ready" });
  });
});

describe("when NATS is down", () => {
  it("stays live, is not ready, and answers uploads and reads with 503 SERVICE_UNAVAILABLE", async () => {
    const { auth } = await h.user();
    await h.nats.stop();
    try {
      expect((await h.app.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
      const ready = await h.app.inject({ method: "GET", url: "/ready" });
      expect(ready.statusCode).toBe(503);
      expect(errorCode(ready)).toBe("SERVICE_UNAVAILABLE");

      const body = uploadBody(bytes(100));
      const upload = await h.app.inject({ method: "POST", url: "/v1/jobs", payload: body.payload, headers: { ...body.headers, ...auth } });
      expect(upload.statusCode, upload.body).toBe(503);
      expect(errorCode(upload)).toBe("SERVICE_UNAVAILABLE");

      const list = await h.app.inject({ method: "GET", url: "/v1/jobs", headers: auth });
      expect(list.statusCode, list.body).toBe(503);
      expect(errorCode(list)).toBe("SERVICE_UNAVAILABLE");
    } finally {
      await h.nats.start();
    }
  });
});
