import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { seedAdmin } from "../src/auth/seed-admin.ts";
import { errorCode, startHarness, TEST_JWT_SECRET, type Harness } from "./harness.ts";
import { decode, forgeJwt, login, msUntilStatus, status, WELL_KNOWN_KEYS } from "./security-helpers.ts";

/** The stated bound: a change in the store reaches every request within AUTH_CACHE_MS (set here to 500). */
const CACHE_MS = 500;
/** Request time on a busy test machine, on top of the bound. */
const SLACK_MS = 1000;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ AUTH_CACHE_MS: String(CACHE_MS) });
});
afterAll(async () => {
  await h?.close();
});

const inFuture = () => Math.floor(Date.now() / 1000) + 600;

describe("forged and malformed tokens", () => {
  it.each(["development", "test", "production"])("rejects tokens signed with the old development key and common keys (%s)", async (NODE_ENV) => {
    const g = NODE_ENV === "test" ? h : await startHarness({ NODE_ENV, REGISTRATION: "open", REGISTRATION_OPEN_CONFIRMED: "true", PASSWORD_HASH_COST: "17" });
    try {
      const u = await g.user();
      const real = decode(u.token);
      for (const key of WELL_KNOWN_KEYS) {
        // The claims of a live session of a real user: only the key is wrong.
        for (const role of ["user", "admin"]) {
          const forged = forgeJwt({ ...real, role, exp: inFuture() }, key);
          expect(await status(g, "/v1/jobs", { authorization: `Bearer ${forged}` }), `${NODE_ENV} ${key}`).toBe(401);
          expect(await status(g, "/v1/admin/services", { authorization: `Bearer ${forged}` })).toBe(401);
        }
      }
      expect(await status(g, "/v1/jobs", u.auth)).toBe(200);
    } finally {
      if (g !== h) await g.close();
    }
  });

  it("rejects alg none, a token without exp, and a token for a user that never existed, even with the right key", async () => {
    const u = await h.user();
    const real = decode(u.token);
    const { exp: _exp, ...noExp } = real;
    const cases = {
      "alg none": forgeJwt(real, null),
      "no exp": forgeJwt(noExp, TEST_JWT_SECRET),
      "no session": forgeJwt({ sub: real.sub, email: real.email, role: "admin", exp: inFuture() }, TEST_JWT_SECRET),
      "unknown session": forgeJwt({ ...real, sid: "01jzzzzzzzzzzzzzzzzzzzzzzz" }, TEST_JWT_SECRET),
      "never-existing user": forgeJwt(
        { sub: "01jaaaaaaaaaaaaaaaaaaaaaaa", email: "ghost@example.com", role: "admin", sid: real.sid, exp: inFuture() },
        TEST_JWT_SECRET,
      ),
      "another user's id": forgeJwt({ ...real, sub: "01jaaaaaaaaaaaaaaaaaaaaaaa" }, TEST_JWT_SECRET),
      HS512: forgeJwt(real, TEST_JWT_SECRET, { alg: "HS512", typ: "JWT" }),
    };
    for (const [name, token] of Object.entries(cases)) {
      const res = await h.app.inject({ method: "GET", url: "/v1/jobs", headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode, name).toBe(401);
      expect(errorCode(res)).toBe("UNAUTHORIZED");
    }
    // The right key and a live session: the forged role is not believed.
    const promoted = forgeJwt({ ...real, role: "admin" }, TEST_JWT_SECRET);
    expect(await status(h, "/v1/admin/services", { authorization: `Bearer ${promoted}` })).toBe(403);
  });
});

describe("changes in the store reach tokens within the bound", () => {
  it("a demoted admin's token loses admin rights", async () => {
    await seedAdmin(h.deps.jobs, { email: "demoted@example.com", password: "admin password one" }, h.deps.logger, h.deps.config.PASSWORD_HASH_COST);
    const admin = await login(h, "demoted@example.com", "admin password one");
    expect(await status(h, "/v1/admin/services", admin.auth)).toBe(200);
    await h.deps.jobs.updateUser("demoted@example.com", (u) => ({ ...u, role: "user" }));
    expect(await msUntilStatus(h, "/v1/admin/services", admin.auth, 403, 10_000)).toBeLessThanOrEqual(CACHE_MS + SLACK_MS);
    expect(await status(h, "/v1/jobs", admin.auth)).toBe(200); // still a user
  });

  it("an admin's PATCH and DELETE of an account reach its tokens within the bound; admins cannot change themselves", async () => {
    await seedAdmin(h.deps.jobs, { email: "chief@example.com", password: "chief admin password" }, h.deps.logger, h.deps.config.PASSWORD_HASH_COST);
    const chief = await login(h, "chief@example.com", "chief admin password");
    const promoted = await h.user();
    const banned = await h.user();
    const gone = await h.user();
    const patch = (email: string, payload: object) =>
      h.app.inject({ method: "PATCH", url: `/v1/admin/users/${encodeURIComponent(email)}`, headers: chief.auth, payload });
    const promote = await patch(promoted.email.toUpperCase(), { role: "admin" });
    expect(promote.statusCode, promote.body).toBe(200);
    expect(promote.json()).toMatchObject({ email: promoted.email, role: "admin", disabled: false });
    expect(await msUntilStatus(h, "/v1/admin/services", promoted.auth, 200, 10_000)).toBeLessThanOrEqual(CACHE_MS + SLACK_MS);
    expect((await patch(banned.email, { disabled: true })).statusCode).toBe(200);
    expect(await msUntilStatus(h, "/v1/jobs", banned.auth, 401, 10_000)).toBeLessThanOrEqual(CACHE_MS + SLACK_MS);
    expect((await h.app.inject({ method: "DELETE", url: `/v1/admin/users/${encodeURIComponent(gone.email)}`, headers: chief.auth })).statusCode).toBe(204);
    expect(await msUntilStatus(h, "/v1/jobs", gone.auth, 401, 10_000)).toBeLessThanOrEqual(CACHE_MS + SLACK_MS);
    expect((await patch("chief@example.com", { role: "user" })).statusCode).toBe(400);
    expect((await patch("nobody@example.com", { role: "user" })).statusCode).toBe(404);
    // A user cannot do any of it.
    const u = await h.user();
    expect(
      (await h.app.inject({ method: "PATCH", url: `/v1/admin/users/${encodeURIComponent(u.email)}`, headers: u.auth, payload: { role: "admin" } })).statusCode,
    ).toBe(403);
  });

  it("a deleted user's token stops working, and so does a disabled user's", async () => {
    const gone = await h.user();
    const off = await h.user();
    expect(await status(h, "/v1/jobs", gone.auth)).toBe(200);
    expect(await status(h, "/v1/jobs", off.auth)).toBe(200);
    await h.deps.jobs.deleteUser(gone.email);
    await h.deps.jobs.updateUser(off.email, (u) => ({ ...u, disabled: true }));
    expect(await msUntilStatus(h, "/v1/jobs", gone.auth, 401, 10_000)).toBeLessThanOrEqual(CACHE_MS + SLACK_MS);
    expect(await msUntilStatus(h, "/v1/jobs", off.auth, 401, 10_000)).toBeLessThanOrEqual(CACHE_MS + SLACK_MS);
    const relogin = await h.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email: off.email, password: "correct horse battery" } });
    expect(relogin.statusCode).toBe(401);
  });

  it("a session ended on another replica stops working there within the bound", async () => {
    // Replicas share the store and the key: a second app on the same deps is a second replica.
    const replica = buildApp({ ...h.deps });
    await replica.ready();
    try {
      const u = await h.user();
      expect((await replica.inject({ method: "GET", url: "/v1/jobs", headers: u.auth })).statusCode).toBe(200);
      expect((await h.app.inject({ method: "POST", url: "/v1/auth/logout", headers: u.auth })).statusCode).toBe(204);
      expect(await status(h, "/v1/jobs", u.auth)).toBe(401); // this replica: at once
      const start = Date.now();
      while ((await replica.inject({ method: "GET", url: "/v1/jobs", headers: u.auth })).statusCode !== 401) {
        expect(Date.now() - start).toBeLessThanOrEqual(CACHE_MS + SLACK_MS);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await replica.close();
    }
  });
});
