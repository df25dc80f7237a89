import { Streams } from "@mp4t/contracts";
import { jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedAdmin } from "../src/auth/seed-admin.ts";
import { bytes, createJob, errorCode, startHarness, uploadBody, type Harness } from "./harness.ts";
import { login } from "./security-helpers.ts";

const consumersOnEvents = async (h: Harness) => (await (await jetstreamManager(h.nc)).streams.info(Streams.events)).state.consumer_count;

describe("event streams", () => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness({ MAX_STREAMS_PER_USER: "3", SSE_HEARTBEAT_SEC: "5" });
    base = await h.app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await h?.close();
  });

  const open = (jobId: string, auth: { authorization: string }, signal?: AbortSignal) =>
    fetch(`${base}/v1/jobs/${jobId}/events`, { headers: auth, ...(signal ? { signal } : {}) });

  it("caps a user's open streams (429 TOO_MANY_STREAMS); closing one frees a place; other users are not affected", async () => {
    const u = await h.user();
    const job = await createJob(h, u.auth);
    const ac = Array.from({ length: 3 }, () => new AbortController());
    const streams = await Promise.all(ac.map((a) => open(job.id, u.auth, a.signal)));
    for (const s of streams) expect(s.status).toBe(200);
    const fourth = await open(job.id, u.auth);
    expect(fourth.status).toBe(429);
    expect(((await fourth.json()) as { error: { code: string } }).error.code).toBe("TOO_MANY_STREAMS");
    const other = await h.user();
    const otherJob = await createJob(h, other.auth);
    const o = new AbortController();
    expect((await open(otherJob.id, other.auth, o.signal)).status).toBe(200);
    o.abort();
    ac[0]!.abort();
    // The server sees the close asynchronously; the place frees as soon as it does.
    let again: Response | undefined;
    for (let i = 0; i < 50 && again?.status !== 200; i++) {
      ac[0] = new AbortController();
      again = await open(job.id, u.auth, ac[0].signal);
      if (again.status !== 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(again!.status).toBe(200);
    for (const a of ac) a.abort();
  });

  it("leaves no consumer behind: 300 streams opened and closed add none to the events stream", async () => {
    const users = await Promise.all([h.user(), h.user(), h.user()]);
    const jobs = await Promise.all(users.map((u) => createJob(h, u.auth)));
    // Warm the gateway's one shared consumer first; it is the only one streams may use.
    const warm = new AbortController();
    await open(jobs[0]!.id, users[0]!.auth, warm.signal);
    warm.abort();
    const before = await consumersOnEvents(h);
    for (let round = 0; round < 100; round++) {
      const acs = users.map(() => new AbortController());
      const res = await Promise.all(users.map((u, i) => open(jobs[i]!.id, u.auth, acs[i]!.signal)));
      for (const r of res) {
        expect(r.status).toBe(200);
        const reader = r.body!.getReader();
        await reader.read(); // ": connected" and the replayed "queued" event
      }
      for (const a of acs) a.abort();
      // Wait for the server to see these closes before the next round (the per-user cap is 3).
      for (let i = 0; i < 100 && h.app.httpStats().openEventStreams > 0; i++) await new Promise((r) => setTimeout(r, 5));
    }
    expect(await consumersOnEvents(h)).toBe(before);
    expect(before).toBeLessThanOrEqual(1);
  });
});

describe("per-user job and storage caps", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ MAX_ACTIVE_JOBS_PER_USER: "2", STORAGE_QUOTA_BYTES: "1000" });
  });
  afterAll(async () => {
    await h?.close();
  });

  const upload = (auth: { authorization: string }, size: number) => {
    const body = uploadBody(bytes(size));
    return h.app.inject({ method: "POST", url: "/v1/jobs", payload: body.payload, headers: { ...body.headers, ...auth } });
  };

  it("refuses a third queued job with 429 TOO_MANY_ACTIVE_JOBS, and accepts again once one finished", async () => {
    const u = await h.user();
    const a = await createJob(h, u.auth);
    await createJob(h, u.auth);
    const third = await upload(u.auth, 100);
    expect(third.statusCode).toBe(429);
    expect(errorCode(third)).toBe("TOO_MANY_ACTIVE_JOBS");
    const userId = (h.app.jwt.decode(u.token) as { sub: string }).sub;
    await h.deps.jobs.updateJob({ userId, jobId: a.id }, (j) => ({ ...j, status: "canceled" }));
    expect((await upload(u.auth, 100)).statusCode).toBe(202);
  });

  it("enforces the storage quota at upload start and while the upload streams (413 STORAGE_QUOTA_EXCEEDED)", async () => {
    const u = await h.user();
    const userId = (h.app.jwt.decode(u.token) as { sub: string }).sub;
    // Finished jobs keep their media (until retention), so they count; the active-jobs cap does not get in the way.
    const uploadAndFinish = async (size: number) => {
      const res = await upload(u.auth, size);
      if (res.statusCode === 202) await h.deps.jobs.updateJob({ userId, jobId: (res.json() as { id: string }).id }, (j) => ({ ...j, status: "completed" }));
      return res;
    };
    expect((await uploadAndFinish(600)).statusCode).toBe(202);
    const over = await uploadAndFinish(600); // 600 stored + 600 > 1000: cut while streaming
    expect(over.statusCode).toBe(413);
    expect(errorCode(over)).toBe("STORAGE_QUOTA_EXCEEDED");
    expect((await h.deps.jobs.listJobs(userId, { limit: 10 })).items).toHaveLength(1);
    expect((await uploadAndFinish(400)).statusCode).toBe(202); // exactly at the quota
    const full = await uploadAndFinish(1); // at the quota: refused before a byte is stored
    expect(full.statusCode).toBe(413);
    expect(errorCode(full)).toBe("STORAGE_QUOTA_EXCEEDED");
  });
});

describe("lane pause", () => {
  it("answers an absurd forSec with 400, not 503", async () => {
    const h = await startHarness();
    try {
      await seedAdmin(h.deps.jobs, { email: "ops@example.com", password: "operations pw" }, h.deps.logger, h.deps.config.PASSWORD_HASH_COST);
      const admin = await login(h, "ops@example.com", "operations pw");
      for (const forSec of [1e15, 2 ** 53, -1, 1.5, "soon"]) {
        const res = await h.app.inject({ method: "POST", url: "/v1/admin/lanes/default/pause", headers: admin.auth, payload: { forSec } });
        expect(res.statusCode, String(forSec)).toBe(400);
        expect(errorCode(res)).toBe("VALIDATION_FAILED");
      }
    } finally {
      await h.close();
    }
  });
});
