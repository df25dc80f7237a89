import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedAdmin } from "../src/auth/seed-admin.ts";
import { hashPassword } from "../src/auth/password.ts";
import { errorCode, startHarness, type Harness } from "./harness.ts";
import { login, status } from "./security-helpers.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const post = (url: string, payload: object, headers: Record<string, string> = {}) => h.app.inject({ method: "POST", url, payload, headers });
const PW = "correct horse battery";

describe("sessions", () => {
  it("a second login moments after the first works at once, though the first filled the user cache", async () => {
    const u = await h.user();
    const first = await login(h, u.email, PW);
    expect(await status(h, "/v1/jobs", { authorization: `Bearer ${first.token}` })).toBe(200); // caches the user
    const second = await login(h, u.email, PW); // a new session the cached read does not have
    expect(await status(h, "/v1/jobs", { authorization: `Bearer ${second.token}` })).toBe(200);
    expect(await status(h, "/v1/jobs", { authorization: `Bearer ${first.token}` })).toBe(200);
  });
});

describe("refresh tokens", () => {
  it("rotate: each works once, and reusing a rotated one ends the whole session", async () => {
    const u = await h.user();
    const first = await login(h, u.email, PW);
    const r1 = await post("/v1/auth/refresh", { refreshToken: first.refreshToken });
    expect(r1.statusCode, r1.body).toBe(200);
    const second = r1.json() as { token: string; refreshToken: string; expiresAt: string; refreshExpiresAt: string };
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await status(h, "/v1/jobs", { authorization: `Bearer ${second.token}` })).toBe(200);

    // The old refresh token again (stolen and replayed): refused, and the family is revoked.
    const replay = await post("/v1/auth/refresh", { refreshToken: first.refreshToken });
    expect(replay.statusCode).toBe(401);
    expect(errorCode(replay)).toBe("UNAUTHORIZED");
    expect((await post("/v1/auth/refresh", { refreshToken: second.refreshToken })).statusCode).toBe(401);
    expect(await status(h, "/v1/jobs", { authorization: `Bearer ${second.token}` })).toBe(401);
    // Other sessions of the account live on.
    expect(await status(h, "/v1/jobs", u.auth)).toBe(200);
  });

  it("refuses tampered, foreign and garbage refresh tokens, and access tokens used as refresh tokens", async () => {
    const u = await h.user();
    const s = await login(h, u.email, PW);
    const [kind, body, mac] = s.refreshToken.split(".");
    const claims = JSON.parse(Buffer.from(body!, "base64url").toString()) as Record<string, unknown>;
    const bumped = `${kind}.${Buffer.from(JSON.stringify({ ...claims, g: 5 })).toString("base64url")}.${mac}`;
    for (const refreshToken of [bumped, s.token, "rt1.e30.AAAA", "x".repeat(2048)]) {
      expect((await post("/v1/auth/refresh", { refreshToken })).statusCode, refreshToken.slice(0, 20)).toBe(401);
    }
    expect((await post("/v1/auth/refresh", { refreshToken: s.refreshToken })).statusCode).toBe(200);
  });
});

describe("logout and password change", () => {
  it("logout ends this session only; {all: true} ends every one", async () => {
    const u = await h.user();
    const a = await login(h, u.email, PW);
    const b = await login(h, u.email, PW);
    expect((await post("/v1/auth/logout", {}, a.auth)).statusCode).toBe(204);
    expect(await status(h, "/v1/jobs", a.auth)).toBe(401);
    expect((await post("/v1/auth/refresh", { refreshToken: a.refreshToken })).statusCode).toBe(401);
    expect(await status(h, "/v1/jobs", b.auth)).toBe(200);
    expect((await post("/v1/auth/logout", { all: true }, b.auth)).statusCode).toBe(204);
    expect(await status(h, "/v1/jobs", b.auth)).toBe(401);
    expect(await status(h, "/v1/jobs", u.auth)).toBe(401);
  });

  it("a password change keeps the session that made it and ends the others; the old password stops working", async () => {
    const u = await h.user();
    const other = await login(h, u.email, PW);
    const wrong = await post("/v1/auth/password", { currentPassword: "not the password", newPassword: "a brand new passphrase" }, u.auth);
    expect(wrong.statusCode).toBe(401);
    const weak = await post("/v1/auth/password", { currentPassword: PW, newPassword: "password1234" }, u.auth);
    expect(weak.statusCode).toBe(400);
    expect(errorCode(weak)).toBe("WEAK_PASSWORD");
    expect((await post("/v1/auth/password", { currentPassword: PW, newPassword: "a brand new passphrase" }, u.auth)).statusCode).toBe(204);
    expect(await status(h, "/v1/jobs", u.auth)).toBe(200);
    expect(await status(h, "/v1/jobs", other.auth)).toBe(401);
    expect((await post("/v1/auth/refresh", { refreshToken: other.refreshToken })).statusCode).toBe(401);
    expect((await post("/v1/auth/login", { email: u.email, password: PW })).statusCode).toBe(401);
    await login(h, u.email, "a brand new passphrase");
  });

  it("GET /v1/me shows the account as the store has it", async () => {
    const u = await h.user();
    const me = await h.app.inject({ method: "GET", url: "/v1/me", headers: u.auth });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: u.email, role: "user", sessions: 1 });
    expect(me.json()).not.toHaveProperty("passwordHash");
  });
});

describe("passwords", () => {
  it.each([
    ["too short", "eleven char", "VALIDATION_FAILED"],
    ["common", "password1234", "WEAK_PASSWORD"],
    ["common, padded", "monkey123456789", "WEAK_PASSWORD"],
    ["all whitespace", " ".repeat(16), "WEAK_PASSWORD"],
    ["a run", "123456789012", "WEAK_PASSWORD"],
    ["one character", "aaaaaaaaaaaaaaaa", "WEAK_PASSWORD"],
  ])("refuses a %s password with 400", async (_name, password, code) => {
    const res = await post("/v1/auth/register", { email: `weak-${Math.random()}@example.com`, password });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe(code);
  });

  it("re-hashes an old N=2^14 hash at login, transparently", async () => {
    const g = await startHarness({ PASSWORD_HASH_COST: "17" });
    try {
      await g.deps.jobs.createUser({
        id: "01jbbbbbbbbbbbbbbbbbbbbbbb",
        email: "old@example.com",
        role: "user",
        createdAt: new Date().toISOString(),
        passwordHash: await hashPassword("an old password", { N: 16_384, r: 8, p: 1 }),
      });
      await login(g, "old@example.com", "an old password");
      expect((await g.deps.jobs.getUserByEmail("old@example.com"))!.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/);
      await login(g, "old@example.com", "an old password");
    } finally {
      await g.close();
    }
  });
});

describe("registration modes", () => {
  it("closed: nobody registers (403 REGISTRATION_CLOSED)", async () => {
    const g = await startHarness({ REGISTRATION: "closed" });
    try {
      const res = await g.app.inject({ method: "POST", url: "/v1/auth/register", payload: { email: "c@example.com", password: PW } });
      expect(res.statusCode).toBe(403);
      expect(errorCode(res)).toBe("REGISTRATION_CLOSED");
    } finally {
      await g.close();
    }
  });

  it("invite: only with an admin's code made for that email", async () => {
    const g = await startHarness({ REGISTRATION: "invite" });
    try {
      await seedAdmin(g.deps.jobs, { email: "boss@example.com", password: "the boss password" }, g.deps.logger, g.deps.config.PASSWORD_HASH_COST);
      const admin = await login(g, "boss@example.com", "the boss password");
      const register = (email: string, inviteCode?: string) =>
        g.app.inject({ method: "POST", url: "/v1/auth/register", payload: { email, password: PW, ...(inviteCode ? { inviteCode } : {}) } });
      expect((await register("new@example.com")).statusCode).toBe(403);
      const user = await g.user().catch((e: Error) => e);
      expect(user).toBeInstanceOf(Error);
      const inv = await g.app.inject({ method: "POST", url: "/v1/admin/invites", headers: admin.auth, payload: { email: "New@example.com" } });
      expect(inv.statusCode, inv.body).toBe(201);
      const { inviteCode } = inv.json() as { inviteCode: string };
      expect((await register("someone-else@example.com", inviteCode)).statusCode).toBe(403);
      expect((await register("new@example.com", `${inviteCode.slice(0, -2)}xx`)).statusCode).toBe(403);
      expect((await register("new@example.com", inviteCode)).statusCode).toBe(201);
      await login(g, "new@example.com", PW);
      // Only admins make invites.
      const u = await login(g, "new@example.com", PW);
      expect((await g.app.inject({ method: "POST", url: "/v1/admin/invites", headers: u.auth, payload: { email: "x@example.com" } })).statusCode).toBe(403);
    } finally {
      await g.close();
    }
  });
});
