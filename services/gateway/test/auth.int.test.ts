import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedAdmin } from "../src/auth/seed-admin.ts";
import { errorCode, startHarness, type Harness } from "./harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ JWT_TTL_SEC: "3600" });
});
afterAll(async () => {
  await h?.close();
});

const register = (payload: unknown) => h.app.inject({ method: "POST", url: "/v1/auth/register", payload: payload as object });
const login = (payload: unknown) => h.app.inject({ method: "POST", url: "/v1/auth/login", payload: payload as object });

describe("POST /v1/auth/register", () => {
  it("creates an account and answers 201 {id, email} with the email normalised", async () => {
    const res = await register({ email: "Ada@Example.com", password: "analytical engine" });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({ id: expect.stringMatching(/^[0-9a-z]{26}$/), email: "ada@example.com" });
  });

  it("answers a second registration of an email, whatever its case, exactly like a new one (no 409: emails are not revealed)", async () => {
    const first = await register({ email: "grace@example.com", password: "compiler one!" });
    const again = await register({ email: "GRACE@example.com", password: "compiler two!" });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(Object.keys(again.json()).sort()).toEqual(Object.keys(first.json()).sort());
    expect(again.json().email).toBe("grace@example.com");
    expect(again.json().id).not.toBe(first.json().id);
    // The account is the first one's: the second password does not log in.
    expect((await login({ email: "grace@example.com", password: "compiler two!" })).statusCode).toBe(401);
    expect((await login({ email: "grace@example.com", password: "compiler one!" })).statusCode).toBe(200);
  });

  it.each([
    ["a short password", { email: "x1@example.com", password: "short" }],
    ["an invalid email", { email: "not-an-email", password: "long enough pw" }],
    ["a missing password", { email: "x2@example.com" }],
    ["a password of the wrong type", { email: "x3@example.com", password: 12345678 }],
    ["an unknown field", { email: "x4@example.com", password: "long enough pw", role: "admin" }],
  ])("rejects %s with 400 VALIDATION_FAILED", async (_name, payload) => {
    const res = await register(payload);
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe("VALIDATION_FAILED");
  });

  it("rejects malformed JSON with 400 INVALID_JSON", async () => {
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/auth/register",
      headers: { "content-type": "application/json" },
      payload: '{"email": "a@b.c",',
    });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe("INVALID_JSON");
  });

  it("rejects a body that is not JSON with 415 UNSUPPORTED_CONTENT_TYPE", async () => {
    const res = await h.app.inject({ method: "POST", url: "/v1/auth/register", headers: { "content-type": "text/plain" }, payload: "email=a@b.c" });
    expect(res.statusCode).toBe(415);
    expect(errorCode(res)).toBe("UNSUPPORTED_CONTENT_TYPE");
  });
});

describe("POST /v1/auth/login", () => {
  it("answers 200 {token, expiresAt} for the right password", async () => {
    await register({ email: "linus@example.com", password: "penguins on ice" });
    const before = Date.now();
    const res = await login({ email: "Linus@example.com", password: "penguins on ice" });
    expect(res.statusCode).toBe(200);
    const { token, expiresAt, refreshToken, refreshExpiresAt } = res.json();
    expect(typeof refreshToken).toBe("string");
    expect(Date.parse(refreshExpiresAt)).toBeGreaterThan(Date.parse(expiresAt));
    expect(token.split(".")).toHaveLength(3);
    const ttlMs = Date.parse(expiresAt) - before;
    expect(ttlMs).toBeGreaterThan(3590_000);
    expect(ttlMs).toBeLessThanOrEqual(3601_000);
    const jobs = await h.app.inject({ method: "GET", url: "/v1/jobs", headers: { authorization: `Bearer ${token}` } });
    expect(jobs.statusCode).toBe(200);
  });

  it("answers 401 INVALID_CREDENTIALS for a wrong password and for an unknown email alike", async () => {
    await register({ email: "margaret@example.com", password: "apollo-eleven" });
    const wrong = await login({ email: "margaret@example.com", password: "apollo-twelve" });
    const unknown = await login({ email: "nobody@example.com", password: "apollo-eleven" });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(errorCode(res)).toBe("INVALID_CREDENTIALS");
    }
    expect(wrong.json()).toEqual(unknown.json());
  });

  it("rejects a login without a password with 400 VALIDATION_FAILED", async () => {
    const res = await login({ email: "margaret@example.com" });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe("VALIDATION_FAILED");
  });
});

describe("bearer tokens", () => {
  it.each([
    ["no Authorization header", undefined],
    ["a non-bearer scheme", "Basic dXNlcjpwYXNz"],
    ["a garbage token", "Bearer not.a.token"],
  ])("rejects %s with 401 UNAUTHORIZED", async (_name, authorization) => {
    const res = await h.app.inject({ method: "GET", url: "/v1/jobs", headers: authorization ? { authorization } : {} });
    expect(res.statusCode).toBe(401);
    expect(errorCode(res)).toBe("UNAUTHORIZED");
  });

  it("rejects a token whose signature was tampered with", async () => {
    const { token } = await h.user();
    const [head, body, sig] = token.split(".");
    const forged = `${head}.${body}.${sig!.slice(0, -4)}AAAA`;
    const res = await h.app.inject({ method: "GET", url: "/v1/jobs", headers: { authorization: `Bearer ${forged}` } });
    expect(res.statusCode).toBe(401);
  });

  it("rejects a token signed with another secret", async () => {
    const other = await startHarness({ JWT_SECRET: "a-completely-different-secret-of-some-length" });
    try {
      const { token } = await other.user();
      const res = await h.app.inject({ method: "GET", url: "/v1/jobs", headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(401);
      expect(errorCode(res)).toBe("UNAUTHORIZED");
    } finally {
      await other.close();
    }
  });
});

describe("admin seeding", () => {
  it("creates the admin once and leaves it alone on later starts", async () => {
    const creds = { email: "Root@Example.com", password: "admin-password" };
    expect(await seedAdmin(h.deps.jobs, creds, h.deps.logger, h.deps.config.PASSWORD_HASH_COST)).toBe("created");
    expect(await seedAdmin(h.deps.jobs, { ...creds, password: "another-password" }, h.deps.logger, h.deps.config.PASSWORD_HASH_COST)).toBe("exists");
    const user = await h.deps.jobs.getUserByEmail("root@example.com");
    expect(user?.role).toBe("admin");
    // Hashed at PASSWORD_HASH_COST like every other account, not at a fixed cost of its own.
    expect(user?.passwordHash.split("$")[1]).toBe(String(2 ** h.deps.config.PASSWORD_HASH_COST));
    const res = await login({ email: "root@example.com", password: "admin-password" });
    expect(res.statusCode).toBe(200);
  });
});
