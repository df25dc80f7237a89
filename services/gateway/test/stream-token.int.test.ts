import { describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { tokenSigner } from "../src/auth/signed-token.ts";
import { createJob, errorCode, suiteHarness, TEST_JWT_SECRET, type Harness } from "./harness.ts";
import { sseReader, type Sse } from "./sse-reader.ts";

type User = Awaited<ReturnType<Harness["user"]>>;

describe("stream tokens and GET /v1/events", () => {
  const suite = suiteHarness({ SSE_HEARTBEAT_SEC: "0.2" });

  const streamToken = async (auth: { authorization: string }) => {
    const res = await suite.h.app.inject({ method: "POST", url: "/v1/auth/stream-token", headers: auth });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { token: string; expiresAt: string };
  };
  const cancel = (u: User, id: string) => suite.h.app.inject({ method: "POST", url: `/v1/jobs/${id}/cancel`, headers: u.auth });
  const nextEvent = async (r: ReturnType<typeof sseReader>): Promise<Sse | null> => {
    for (let e = await r.next(); e; e = await r.next()) if (e.event) return e;
    return null;
  };

  it("lasts 60 s, and follows the user's own job's stream as ?access_token=", async () => {
    const u = await suite.h.user();
    const { token, expiresAt } = await streamToken(u.auth);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(55_000);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    const job = await createJob(suite.h, u.auth);
    expect((await cancel(u, job.id)).statusCode).toBe(200);
    const res = await fetch(`${suite.base}/v1/jobs/${job.id}/events?access_token=${encodeURIComponent(token)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect((await sseReader(res).rest()).map((e) => e.event)).toEqual(["queued", "canceled"]);
  });

  it("is accepted nowhere but the two event streams, and not as a bearer token", async () => {
    const u = await suite.h.user();
    const job = await createJob(suite.h, u.auth);
    const { token } = await streamToken(u.auth);
    const q = `access_token=${encodeURIComponent(token)}`;
    for (const url of [`/v1/jobs?${q}`, `/v1/jobs/${job.id}?${q}`, `/v1/jobs/${job.id}/transcript?${q}`, `/v1/me?${q}`, `/v1/search?q=x&${q}`]) {
      const res = await suite.h.app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(401);
    }
    expect((await suite.h.app.inject({ method: "POST", url: `/v1/jobs/${job.id}/cancel?${q}` })).statusCode).toBe(401);
    const asBearer = await fetch(`${suite.base}/v1/jobs/${job.id}/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(asBearer.status).toBe(401);
  });

  it("opens only its own user's streams", async () => {
    const [alice, bob] = [await suite.h.user(), await suite.h.user()];
    const job = await createJob(suite.h, alice.auth);
    const { token } = await streamToken(bob.auth);
    const res = await fetch(`${suite.base}/v1/jobs/${job.id}/events?access_token=${encodeURIComponent(token)}`);
    expect(res.status).toBe(404);
  });

  it("is refused once expired, when forged, or when its account is disabled", async () => {
    const u = await suite.h.user();
    const job = await createJob(suite.h, u.auth);
    const userId = (await suite.h.deps.jobs.getUserByEmail(u.email))!.id;
    const signer = tokenSigner(TEST_JWT_SECRET, "st1");
    const expired = signer.sign({ u: userId, e: u.email, x: Date.now() - 1, n: "a" });
    const forged = tokenSigner("another secret entirely, 48 characters or so....", "st1").sign({ u: userId, e: u.email, x: Date.now() + 60_000, n: "b" });
    for (const token of [expired, forged, "st1.e30.AAAA"]) {
      const res = await suite.h.app.inject({ method: "GET", url: `/v1/jobs/${job.id}/events?access_token=${encodeURIComponent(token)}` });
      expect(res.statusCode).toBe(401);
      expect(errorCode(res)).toBe("UNAUTHORIZED");
    }
    const { token } = await streamToken(u.auth);
    await suite.h.deps.jobs.updateUser(u.email, (x) => ({ ...x, disabled: true }));
    suite.h.app.users.forget(u.email);
    expect((await suite.h.app.inject({ method: "GET", url: `/v1/jobs/${job.id}/events?access_token=${encodeURIComponent(token)}` })).statusCode).toBe(401);
  });

  // Attack: a stream token leaked from the URL (logs, history) of a session the user then ended.
  const opens = (token: string, jobId: string) =>
    suite.h.app.inject({ method: "GET", url: `/v1/jobs/${jobId}/events?access_token=${encodeURIComponent(token)}` });
  const openAll = async (app: typeof suite.h.app, token: string) => {
    const res = await app.inject({ method: "GET", url: `/v1/events?access_token=${encodeURIComponent(token)}`, payloadAsStream: true });
    res.stream().destroy();
    return res.statusCode;
  };
  const login = async (email: string, password = "correct horse battery") =>
    ((await suite.h.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email, password } })).json() as { token: string }).token;

  it("dies with its session at logout: the stream is refused 401 at once, on both routes", async () => {
    const u = await suite.h.user();
    const job = await createJob(suite.h, u.auth);
    const { token } = await streamToken(u.auth);
    expect((await cancel(u, job.id)).statusCode).toBe(200);
    expect((await opens(token, job.id)).statusCode).toBe(200);
    expect((await suite.h.app.inject({ method: "POST", url: "/v1/auth/logout", headers: u.auth })).statusCode).toBe(204);
    const refused = await opens(token, job.id);
    expect(refused.statusCode).toBe(401);
    expect(errorCode(refused)).toBe("UNAUTHORIZED");
    expect(await openAll(suite.h.app, token)).toBe(401);
  });

  it("dies with every session at sign out everywhere, and with the other sessions at a password change", async () => {
    const u = await suite.h.user();
    const job = await createJob(suite.h, u.auth);
    expect((await cancel(u, job.id)).statusCode).toBe(200);
    const laptop = { authorization: `Bearer ${await login(u.email)}` };
    const fromPhone = (await streamToken(u.auth)).token;
    const fromLaptop = (await streamToken(laptop)).token;
    // A password change from the laptop ends the phone's session, and the phone's stream token with it.
    const changed = await suite.h.app.inject({
      method: "POST",
      url: "/v1/auth/password",
      headers: laptop,
      payload: { currentPassword: "correct horse battery", newPassword: "a brand new passphrase 42" },
    });
    expect(changed.statusCode, changed.body).toBe(204);
    expect((await opens(fromPhone, job.id)).statusCode).toBe(401);
    expect((await opens(fromLaptop, job.id)).statusCode).toBe(200); // the session that changed it goes on
    expect((await suite.h.app.inject({ method: "POST", url: "/v1/auth/logout", headers: laptop, payload: { all: true } })).statusCode).toBe(204);
    expect((await opens(fromLaptop, job.id)).statusCode).toBe(401);
  });

  it("dies with its API key when the key is revoked", async () => {
    const u = await suite.h.user();
    const job = await createJob(suite.h, u.auth);
    expect((await cancel(u, job.id)).statusCode).toBe(200);
    const created = (
      await suite.h.app.inject({ method: "POST", url: "/v1/api-keys", headers: u.auth, payload: { name: "k", scopes: ["jobs:read"] } })
    ).json() as {
      id: string;
      key: string;
    };
    const { token } = await streamToken({ authorization: `Bearer ${created.key}` });
    expect((await opens(token, job.id)).statusCode).toBe(200);
    expect((await suite.h.app.inject({ method: "DELETE", url: `/v1/api-keys/${created.id}`, headers: u.auth })).statusCode).toBe(204);
    expect((await opens(token, job.id)).statusCode).toBe(401);
  });

  it("is refused by another replica within AUTH_CACHE_MS of the logout, as the session's access tokens are", async () => {
    const cacheMs = 400;
    const replica = buildApp({ ...suite.h.deps, config: { ...suite.h.deps.config, AUTH_CACHE_MS: cacheMs } });
    await replica.ready();
    try {
      const u = await suite.h.user();
      const job = await createJob(suite.h, u.auth);
      expect((await cancel(u, job.id)).statusCode).toBe(200);
      // A finished job's stream ends at once, so polling it holds no stream slot.
      const onReplica = async () =>
        (await replica.inject({ method: "GET", url: `/v1/jobs/${job.id}/events?access_token=${encodeURIComponent(token)}` })).statusCode;
      const { token } = await streamToken(u.auth);
      expect(await onReplica()).toBe(200); // the replica has read (and cached) the user
      expect((await suite.h.app.inject({ method: "POST", url: "/v1/auth/logout", headers: u.auth })).statusCode).toBe(204);
      const loggedOutAt = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - loggedOutAt < cacheMs + 2000) status = await onReplica();
      expect(status).toBe(401);
      expect(Date.now() - loggedOutAt).toBeLessThan(cacheMs + 1000);
    } finally {
      await replica.close();
    }
  });

  it("is issued to an API key with jobs:read, not to one without", async () => {
    const u = await suite.h.user();
    const key = async (scopes: string[]) =>
      ((await suite.h.app.inject({ method: "POST", url: "/v1/api-keys", headers: u.auth, payload: { name: "k", scopes } })).json() as { key: string }).key;
    expect(
      (await suite.h.app.inject({ method: "POST", url: "/v1/auth/stream-token", headers: { authorization: `Bearer ${await key(["jobs:read"])}` } })).statusCode,
    ).toBe(200);
    const refused = await suite.h.app.inject({
      method: "POST",
      url: "/v1/auth/stream-token",
      headers: { authorization: `Bearer ${await key(["jobs:write"])}` },
    });
    expect(errorCode(refused)).toBe("INSUFFICIENT_SCOPE");
  });

  it("GET /v1/events streams every event of the caller's jobs and none of anyone else's", async () => {
    const [alice, bob] = [await suite.h.user(), await suite.h.user()];
    const { token } = await streamToken(alice.auth);
    const res = await fetch(`${suite.base}/v1/events?access_token=${encodeURIComponent(token)}`);
    expect(res.status).toBe(200);
    const events = sseReader(res);
    expect((await events.next())?.comment).toBe("connected");
    const theirs = await createJob(suite.h, bob.auth);
    const first = await createJob(suite.h, alice.auth);
    const second = await createJob(suite.h, alice.auth);
    expect((await cancel(bob, theirs.id)).statusCode).toBe(200);
    expect((await cancel(alice, first.id)).statusCode).toBe(200);
    const seen: [string | undefined, string][] = [];
    while (seen.length < 3) {
      const e = await nextEvent(events);
      if (!e) throw new Error("the event stream ended early");
      seen.push([e.event, (e.data as { jobId: string }).jobId]);
    }
    expect(seen).toEqual([
      ["queued", first.id],
      ["queued", second.id],
      ["canceled", first.id],
    ]);
    await events.cancel();
  });

  it("counts GET /v1/events against the user's stream limit", async () => {
    const u = await suite.h.user();
    const limit = suite.h.deps.config.MAX_STREAMS_PER_USER;
    const open: Response[] = [];
    for (let i = 0; i < limit; i++) open.push(await fetch(`${suite.base}/v1/events`, { headers: u.auth }));
    expect(open.map((r) => r.status)).toEqual(Array(limit).fill(200));
    const refused = await fetch(`${suite.base}/v1/events`, { headers: u.auth });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("TOO_MANY_STREAMS");
    await Promise.all(open.map((r) => r.body!.cancel()));
  });
});
