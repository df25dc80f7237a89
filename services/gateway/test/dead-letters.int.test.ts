import { Subjects, type Job } from "@mp4t/contracts";
import { PermanentError } from "@mp4t/contracts";
import type { Worker } from "@mp4t/messaging";
import { createWorker } from "@mp4t/messaging/internal";
import { silentLogger } from "@mp4t/testing";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedAdmin } from "../src/auth/seed-admin.ts";
import { createJob, errorCode, startHarness, type Harness } from "./harness.ts";

let h: Harness;
let worker: Worker;
let adminAuth: { authorization: string };
let user: { authorization: string; userId: string };
/** What the stand-in ingest worker does: fail permanently (the system's fault or the user's), or run the stage. */
let mode: "fail" | "mistake" | "ok" = "fail";
const handled: string[] = [];

beforeAll(async () => {
  h = await startHarness();
  await seedAdmin(h.deps.jobs, { email: "admin@example.com", password: "admin-password" }, h.deps.logger, h.deps.config.PASSWORD_HASH_COST);
  const login = await h.app.inject({ method: "POST", url: "/v1/auth/login", payload: { email: "admin@example.com", password: "admin-password" } });
  adminAuth = { authorization: `Bearer ${login.json().token}` };
  const u = await h.user();
  user = { ...u.auth, userId: JSON.parse(Buffer.from(u.token.split(".")[1]!, "base64url").toString()).sub };
  const { lifecycle } = h.deps;
  // A real runner on the ingest stage, wired the way startPipelineService wires one.
  worker = createWorker({
    js: jetstream(h.nc),
    jsm: await jetstreamManager(h.nc),
    stage: "ingest",
    service: "ingest",
    logger: silentLogger(),
    concurrency: 2,
    ackWaitMs: 5000,
    maxDeliver: 3,
    deadlineMs: 10_000,
    backoff: { baseMs: 20, maxMs: 50 },
    handler: async (msg) => {
      const ref = { userId: msg.userId, jobId: msg.jobId };
      if (!(await lifecycle.stageStarted(ref, "ingest"))) return;
      if (mode === "fail") throw new PermanentError("ENGINE_FAILED", "the decoder crashed");
      if (mode === "mistake") throw new PermanentError("MEDIA_UNREADABLE", "not media");
      handled.push(msg.jobId);
      await lifecycle.stageDone(ref, "ingest");
    },
    onGiveUp: async (msg, err) => void (await lifecycle.fail({ userId: msg.userId, jobId: msg.jobId }, err.code, err.message, "ingest")),
  });
  await worker.start();
});
afterAll(async () => {
  await worker?.stop(1000);
  await h?.close();
});

async function until<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}
const job = (id: string) => h.deps.jobs.getJob({ userId: user.userId, jobId: id }) as Promise<Job>;
const letters = async (query = "") => {
  const res = await h.app.inject({ method: "GET", url: `/v1/admin/dead-letters${query}`, headers: adminAuth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    items: Array<{ seq: number; stage: string; error: { code: string }; job: { jobId: string } | null; redrivable: boolean }>;
    next: number | null;
  };
};
async function failedJob() {
  mode = "fail";
  const { id } = await createJob(h, user);
  await until(async () => (await job(id)).status === "failed");
  const item = await until(async () => (await letters("?stage=ingest&limit=100")).items.find((i) => i.job?.jobId === id));
  return { id, seq: item.seq };
}

describe("dead letters admin API", () => {
  it("lists and inspects a dead letter, and a re-drive resumes its failed job at the stage that failed", async () => {
    const { id, seq } = await failedJob();
    expect((await job(id)).error?.code).toBe("ENGINE_FAILED");
    const one = await h.app.inject({ method: "GET", url: `/v1/admin/dead-letters/${seq}`, headers: adminAuth });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({
      seq,
      stage: "ingest",
      subject: Subjects.work("ingest", "interactive", user.userId),
      error: { code: "ENGINE_FAILED" },
      job: { jobId: id },
      redrivable: true,
    });

    mode = "ok";
    const res = await h.app.inject({ method: "POST", url: `/v1/admin/dead-letters/${seq}/redrive`, headers: adminAuth });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ redriven: 1 });
    const resumed = await until(async () => ((await job(id)).stages.ingest?.status === "done" ? job(id) : false));
    expect(resumed.status).toBe("processing");
    expect(resumed.error).toBeUndefined();
    expect(handled).toContain(id);
    expect((await letters()).items.find((i) => i.seq === seq)).toBeUndefined();

    const again = await h.app.inject({ method: "POST", url: `/v1/admin/dead-letters/${seq}/redrive`, headers: adminAuth });
    expect(again.statusCode).toBe(404);
    expect(errorCode(again)).toBe("NOT_FOUND");
  });

  it("re-drives every letter of a stage and pages through the list", async () => {
    const a = await failedJob();
    const b = await failedJob();
    const p1 = await letters("?stage=ingest&limit=1");
    expect(p1.items).toHaveLength(1);
    expect(p1.next).not.toBeNull();
    const p2 = await letters(`?stage=ingest&limit=1&cursor=${p1.next}`);
    expect(p2.items[0]!.seq).toBeGreaterThan(p1.items[0]!.seq);

    mode = "ok";
    const res = await h.app.inject({ method: "POST", url: "/v1/admin/dead-letters/redrive", headers: adminAuth, payload: { stage: "ingest" } });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ redriven: 2 });
    for (const { id } of [a, b]) await until(async () => (await job(id)).stages.ingest?.status === "done");
    expect((await letters("?stage=ingest")).items).toEqual([]);
  });

  it("fails a job on the user's mistake without a dead letter, also when a re-drive ends in one", async () => {
    mode = "mistake";
    const { id } = await createJob(h, user);
    const failed = await until(async () => ((await job(id)).status === "failed" ? job(id) : false));
    expect(failed.error?.code).toBe("MEDIA_UNREADABLE");
    // The runner writes a letter before it fails the job, so by now one would be there.
    expect((await letters("?limit=100")).items.filter((i) => i.job?.jobId === id)).toEqual([]);

    const { id: other, seq } = await failedJob(); // a system failure: lettered
    mode = "mistake";
    const res = await h.app.inject({ method: "POST", url: `/v1/admin/dead-letters/${seq}/redrive`, headers: adminAuth });
    expect(res.statusCode, res.body).toBe(202);
    const again = await until(async () => ((await job(other)).error?.code === "MEDIA_UNREADABLE" ? job(other) : false));
    expect(again.status).toBe("failed");
    expect((await letters("?limit=100")).items.filter((i) => i.job?.jobId === other)).toEqual([]);
  });

  it("refuses to re-drive a poison message with 409 DEAD_LETTER_UNREDRIVABLE", async () => {
    await jetstream(h.nc).publish(Subjects.work("ingest", "interactive"), "{not json");
    const poison = await until(async () => (await letters("?stage=ingest")).items.find((i) => i.error.code === "POISON_MESSAGE"));
    expect(poison).toMatchObject({ job: null, redrivable: false });
    const res = await h.app.inject({ method: "POST", url: `/v1/admin/dead-letters/${poison.seq}/redrive`, headers: adminAuth });
    expect(res.statusCode).toBe(409);
    expect(errorCode(res)).toBe("DEAD_LETTER_UNREDRIVABLE");
    const all = await h.app.inject({ method: "POST", url: "/v1/admin/dead-letters/redrive", headers: adminAuth, payload: { stage: "ingest" } });
    expect(all.json()).toEqual({ redriven: 0 });
  });

  it("rejects bad input, unknown letters, users who are not admins and anonymous callers", async () => {
    const cases: Array<[string, string, unknown, number, string]> = [
      ["GET", "/v1/admin/dead-letters?stage=bogus", undefined, 400, "VALIDATION_FAILED"],
      ["GET", "/v1/admin/dead-letters?limit=0", undefined, 400, "VALIDATION_FAILED"],
      ["GET", "/v1/admin/dead-letters/abc", undefined, 400, "VALIDATION_FAILED"],
      ["GET", "/v1/admin/dead-letters/999999", undefined, 404, "NOT_FOUND"],
      ["POST", "/v1/admin/dead-letters/999999/redrive", undefined, 404, "NOT_FOUND"],
      ["POST", "/v1/admin/dead-letters/redrive", { stage: "ingest", extra: 1 }, 400, "VALIDATION_FAILED"],
      ["POST", "/v1/admin/dead-letters/redrive", { stage: 3 }, 400, "VALIDATION_FAILED"],
    ];
    for (const [method, url, payload, status, code] of cases) {
      const res = await h.app.inject({ method: method as "GET", url, headers: adminAuth, ...(payload ? { payload: payload as object } : {}) });
      expect(res.statusCode, `${method} ${url} ${res.body}`).toBe(status);
      expect(errorCode(res)).toBe(code);
    }
    const forbidden = await h.app.inject({ method: "GET", url: "/v1/admin/dead-letters", headers: user });
    expect(forbidden.statusCode).toBe(403);
    expect(errorCode(forbidden)).toBe("FORBIDDEN");
    const anonymous = await h.app.inject({ method: "POST", url: "/v1/admin/dead-letters/redrive", payload: { stage: "ingest" } });
    expect(anonymous.statusCode).toBe(401);
  });
});
