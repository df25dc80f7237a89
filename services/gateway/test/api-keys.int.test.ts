import { PassThrough } from "node:stream";
import { API_KEY_PATTERN } from "@mp4t/contracts";
import { createLogger } from "@mp4t/runtime";
import type { ApiKeyStore } from "@mp4t/stores";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { bytes, createJob, errorCode, startHarness, uploadBody, type Harness } from "./harness.ts";

type Created = { id: string; name: string; key: string; prefix: string; scopes: string[]; createdAt: string };
type Listed = { items: (Omit<Created, "key"> & { lastUsedAt: string | null })[] };

describe("API keys", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 30_000);
  afterAll(async () => {
    await h?.close();
  });

  const createKey = async (app: FastifyInstance, auth: { authorization: string }, body: Record<string, unknown>) => {
    const res = await app.inject({ method: "POST", url: "/v1/api-keys", headers: auth, payload: body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Created;
  };
  const keyAuth = (key: string) => ({ authorization: `Bearer ${key}` });
  const upload = (auth: { authorization: string }) => {
    const body = uploadBody(bytes(256));
    return h.app.inject({ method: "POST", url: "/v1/jobs", payload: body.payload, headers: { ...body.headers, ...auth } });
  };

  it("creates a key shown once, stores only its hash, and lists it without the key", async () => {
    const u = await h.user();
    const created = await createKey(h.app, u.auth, { name: "ci" });
    expect(created.key).toMatch(API_KEY_PATTERN);
    expect(created.prefix).toBe(created.key.slice(0, 12));
    expect(created.scopes).toEqual(["jobs:read", "jobs:write", "webhooks"]);
    const listed = (await h.app.inject({ method: "GET", url: "/v1/api-keys", headers: u.auth })).json() as Listed;
    expect(listed.items).toEqual([
      { id: created.id, name: "ci", prefix: created.prefix, scopes: created.scopes, createdAt: created.createdAt, lastUsedAt: null },
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    const all = await h.deps.apiKeys.list((await h.deps.jobs.getUserByEmail(u.email))!.id);
    expect(JSON.stringify(all)).not.toContain(created.key);
  });

  it("works within its scopes only: a read-only key reads but cannot upload (403 INSUFFICIENT_SCOPE)", async () => {
    const u = await h.user();
    const job = await createJob(h, u.auth);
    const writer = await createKey(h.app, u.auth, { name: "writer", scopes: ["jobs:write", "jobs:read"] });
    const reader = await createKey(h.app, u.auth, { name: "reader", scopes: ["jobs:read"] });
    expect((await upload(keyAuth(writer.key))).statusCode).toBe(202);
    const refused = await upload(keyAuth(reader.key));
    expect(refused.statusCode).toBe(403);
    expect(errorCode(refused)).toBe("INSUFFICIENT_SCOPE");
    const read = await h.app.inject({ method: "GET", url: `/v1/jobs/${job.id}`, headers: keyAuth(reader.key) });
    expect(read.statusCode, read.body).toBe(200);
    const list = await h.app.inject({ method: "GET", url: "/v1/jobs", headers: keyAuth(reader.key) });
    expect((list.json() as { items: unknown[] }).items).toHaveLength(2);
    const cancel = await h.app.inject({ method: "POST", url: `/v1/jobs/${job.id}/cancel`, headers: keyAuth(reader.key) });
    expect(errorCode(cancel)).toBe("INSUFFICIENT_SCOPE");
  });

  it("never manages keys, passwords, sessions or admin routes, whatever its scopes", async () => {
    const u = await h.user();
    const { key } = await createKey(h.app, u.auth, { name: "all" });
    const calls = [
      { method: "POST", url: "/v1/api-keys", payload: { name: "another" } },
      { method: "GET", url: "/v1/api-keys" },
      { method: "POST", url: "/v1/auth/password", payload: { currentPassword: "correct horse battery", newPassword: "a brand new password" } },
      { method: "POST", url: "/v1/auth/logout" },
      { method: "GET", url: "/v1/admin/services" },
    ] as const;
    for (const call of calls) {
      const res = await h.app.inject({ ...call, headers: keyAuth(key) });
      expect(res.statusCode, `${call.method} ${call.url}`).toBe(403);
      expect(errorCode(res)).toBe("INSUFFICIENT_SCOPE");
    }
  });

  it("refuses unknown and malformed keys with 401", async () => {
    for (const key of ["mp4t_" + "A".repeat(40), "mp4t_short", "mp4t_" + "!".repeat(40)]) {
      const res = await h.app.inject({ method: "GET", url: "/v1/jobs", headers: keyAuth(key) });
      expect(res.statusCode).toBe(401);
      expect(errorCode(res)).toBe("UNAUTHORIZED");
    }
  });

  it("a revoked key gets 401 at once on the replica that revoked it, and within AUTH_CACHE_MS on another", async () => {
    const cacheMs = 400;
    const config = { ...h.deps.config, AUTH_CACHE_MS: cacheMs };
    const [a, b] = [buildApp({ ...h.deps, config }), buildApp({ ...h.deps, config })];
    try {
      const u = await h.user();
      const { id, key } = await createKey(a, u.auth, { name: "revoked" });
      for (const app of [a, b]) expect((await app.inject({ method: "GET", url: "/v1/jobs", headers: keyAuth(key) })).statusCode).toBe(200);
      expect((await a.inject({ method: "DELETE", url: `/v1/api-keys/${id}`, headers: u.auth })).statusCode).toBe(204);
      const revokedAt = Date.now();
      expect((await a.inject({ method: "GET", url: "/v1/jobs", headers: keyAuth(key) })).statusCode).toBe(401);
      let status = 200;
      while (status === 200 && Date.now() - revokedAt < cacheMs + 2000) {
        status = (await b.inject({ method: "GET", url: "/v1/jobs", headers: keyAuth(key) })).statusCode;
      }
      expect(status).toBe(401);
      expect(Date.now() - revokedAt).toBeLessThan(cacheMs + 1000);
      expect((await a.inject({ method: "DELETE", url: `/v1/api-keys/${id}`, headers: u.auth })).statusCode).toBe(404);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("records the last use with one write for many requests, and audits create and revoke", async () => {
    let touches = 0;
    const counting: ApiKeyStore = { ...h.deps.apiKeys, touch: async (hash, at) => void (touches++, await h.deps.apiKeys.touch(hash, at)) };
    const out = new PassThrough();
    const lines: Record<string, unknown>[] = [];
    out.on("data", (d: Buffer) =>
      lines.push(
        ...d
          .toString()
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      ),
    );
    const app = buildApp({ ...h.deps, apiKeys: counting, logger: createLogger("gateway", { destination: out, pretty: false }) });
    try {
      const u = await h.user();
      const created = await createKey(app, u.auth, { name: "busy" });
      for (let i = 0; i < 20; i++) expect((await app.inject({ method: "GET", url: "/v1/jobs", headers: keyAuth(created.key) })).statusCode).toBe(200);
      await app.apiKeys.drain();
      expect(touches).toBe(1);
      const listed = (await app.inject({ method: "GET", url: "/v1/api-keys", headers: u.auth })).json() as Listed;
      expect(Date.now() - Date.parse(listed.items[0]!.lastUsedAt!)).toBeLessThan(60_000);
      expect((await app.inject({ method: "DELETE", url: `/v1/api-keys/${created.id}`, headers: u.auth })).statusCode).toBe(204);
      const audits = lines.filter((l) => l.audit === true).map((l) => [l.action, l.result, l.target]);
      expect(audits).toContainEqual(["api-key-create", "ok", `api-key:${created.id}`]);
      expect(audits).toContainEqual(["api-key-revoke", "ok", `api-key:${created.id}`]);
      expect(JSON.stringify(lines)).not.toContain(created.key);
    } finally {
      await app.close();
    }
  });

  it("stops working when its account is disabled", async () => {
    const u = await h.user();
    const { key } = await createKey(h.app, u.auth, { name: "x", scopes: ["jobs:read"] });
    await h.deps.jobs.updateUser(u.email, (x) => ({ ...x, disabled: true }));
    h.app.users.forget(u.email);
    expect((await h.app.inject({ method: "GET", url: "/v1/jobs", headers: keyAuth(key) })).statusCode).toBe(401);
  });

  it("counts unknown keys against the per-address limit of failed sign-ins", async () => {
    const app = buildApp({ ...h.deps, config: { ...h.deps.config, RATE_LIMIT_AUTH_PER_IP: 3 } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await app.inject({ method: "GET", url: "/v1/jobs", headers: keyAuth(`mp4t_${"B".repeat(39)}${i}`) })).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await app.close();
    }
  });

  it("validates the name and scopes", async () => {
    const u = await h.user();
    for (const payload of [{ name: "" }, { name: "x".repeat(101) }, { name: "a", scopes: [] }, { name: "a", scopes: ["admin"] }, { name: "a", extra: 1 }]) {
      const res = await h.app.inject({ method: "POST", url: "/v1/api-keys", headers: u.auth, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });
});
