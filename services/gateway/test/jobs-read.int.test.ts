import { BlobKeys, Streams, Subjects, type Transcript } from "@mp4t/contracts";
import { putJson } from "@mp4t/stores";
import { jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJob, errorCode, startHarness, type Harness } from "./harness.ts";

let h: Harness;
let alice: { token: string; auth: { authorization: string } };
let bob: { token: string; auth: { authorization: string } };
const sub = (token: string) => (h.app.jwt.decode(token) as { sub: string }).sub;

beforeAll(async () => {
  h = await startHarness();
  alice = await h.user();
  bob = await h.user();
});
afterAll(async () => {
  await h?.close();
});

const get = (url: string, auth: { authorization: string }) => h.app.inject({ method: "GET", url, headers: auth });

const transcript: Transcript = {
  language: "en",
  durationSec: 2,
  text: "hello world",
  speakers: ["S1"],
  segments: [
    {
      start: 0,
      end: 2,
      text: "hello world",
      speaker: "S1",
      words: [
        { start: 0, end: 1, word: "hello" },
        { start: 1, end: 2, word: "world" },
      ],
    },
  ],
  enhancements: {},
};

async function completeJob(userToken: string, jobId: string) {
  const ref = { userId: sub(userToken), jobId };
  await h.deps.lifecycle.stageStarted(ref, "ingest");
  await putJson(h.deps.blobs, BlobKeys.transcript(jobId), transcript);
  expect(await h.deps.lifecycle.complete(ref)).toMatchObject({ status: "completed" });
}

describe("GET /v1/jobs", () => {
  it("lists the caller's jobs newest first, pages with a cursor, and filters by status and name", async () => {
    const user = await h.user();
    const a = await createJob(h, user.auth, "alpha.mp4");
    const b = await createJob(h, user.auth, "beta.mp4");
    const c = await createJob(h, user.auth, "gamma.mp4");
    await completeJob(user.token, b.id);

    const all = await get("/v1/jobs", user.auth);
    expect(all.statusCode).toBe(200);
    expect(all.json().items.map((j: { id: string }) => j.id)).toEqual([c.id, b.id, a.id]);
    expect(all.json().next).toBeNull();

    const page1 = (await get("/v1/jobs?limit=2", user.auth)).json();
    expect(page1.items.map((j: { id: string }) => j.id)).toEqual([c.id, b.id]);
    expect(page1.next).toEqual(expect.any(String));
    const page2 = (await get(`/v1/jobs?limit=2&cursor=${page1.next}`, user.auth)).json();
    expect(page2).toMatchObject({ items: [{ id: a.id }], next: null });

    const completed = (await get("/v1/jobs?status=completed", user.auth)).json();
    expect(completed.items.map((j: { id: string }) => j.id)).toEqual([b.id]);
    const named = (await get("/v1/jobs?q=GAMMA", user.auth)).json();
    expect(named.items.map((j: { id: string }) => j.id)).toEqual([c.id]);
    expect(named.items[0].userId).toBeUndefined();
  });

  it("shows no one else's jobs", async () => {
    const user = await h.user();
    await createJob(h, alice.auth);
    const res = await get("/v1/jobs", user.auth);
    expect(res.json()).toEqual({ items: [], next: null });
  });

  it.each(["limit=0", "limit=101", "limit=ten", "status=sleeping", "cursor=../../x"])("rejects ?%s with 400 VALIDATION_FAILED", async (query) => {
    const res = await get(`/v1/jobs?${query}`, alice.auth);
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe("VALIDATION_FAILED");
  });
});

describe("GET /v1/jobs/:id", () => {
  it("returns the job view", async () => {
    const job = await createJob(h, alice.auth, "view.mp4", { language: "fr" });
    const res = await get(`/v1/jobs/${job.id}`, alice.auth);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: job.id,
      status: "queued",
      progress: 0,
      stages: {},
      fileName: "view.mp4",
      sizeBytes: 256,
      options: { language: "fr" },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(res.json().userId).toBeUndefined();
  });

  it("answers 404 NOT_FOUND for another user's job and for an unknown id", async () => {
    const job = await createJob(h, alice.auth);
    for (const res of [await get(`/v1/jobs/${job.id}`, bob.auth), await get(`/v1/jobs/${"0".repeat(26)}`, alice.auth)]) {
      expect(res.statusCode).toBe(404);
      expect(errorCode(res)).toBe("NOT_FOUND");
    }
  });

  it("answers 400 VALIDATION_FAILED for a malformed id", async () => {
    const res = await get("/v1/jobs/NOT-AN-ID", alice.auth);
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe("VALIDATION_FAILED");
  });
});

describe("GET /v1/jobs/:id/transcript", () => {
  it("answers 409 TRANSCRIPT_NOT_READY until the job completes", async () => {
    const job = await createJob(h, alice.auth);
    const res = await get(`/v1/jobs/${job.id}/transcript`, alice.auth);
    expect(res.statusCode).toBe(409);
    expect(errorCode(res)).toBe("TRANSCRIPT_NOT_READY");
  });

  it("serves the transcript as JSON by default and rendered in the other formats", async () => {
    const job = await createJob(h, alice.auth, "Vortrag über Ökonomie.mp4");
    await completeJob(alice.token, job.id);
    const json = await get(`/v1/jobs/${job.id}/transcript`, alice.auth);
    expect(json.statusCode).toBe(200);
    expect(json.headers["content-type"]).toMatch(/^application\/json/);
    expect(json.json()).toMatchObject({ text: "hello world", speakers: ["S1"] });
    expect(json.headers["content-disposition"]).toContain("filename*=UTF-8''Vortrag%20%C3%BCber%20%C3%96konomie.json");
    for (const format of ["txt", "srt", "vtt", "md"]) {
      const res = await get(`/v1/jobs/${job.id}/transcript?format=${format}`, alice.auth);
      expect(res.statusCode, format).toBe(200);
      expect(res.body, format).toContain("hello");
    }
  });

  it("answers 404 for another user's transcript and 400 for an unknown format", async () => {
    const job = await createJob(h, alice.auth);
    await completeJob(alice.token, job.id);
    const other = await get(`/v1/jobs/${job.id}/transcript`, bob.auth);
    expect(other.statusCode).toBe(404);
    expect(errorCode(other)).toBe("NOT_FOUND");
    const bad = await get(`/v1/jobs/${job.id}/transcript?format=docx`, alice.auth);
    expect(bad.statusCode).toBe(400);
    expect(errorCode(bad)).toBe("VALIDATION_FAILED");
  });
});

describe("DELETE /v1/jobs/:id", () => {
  const del = (id: string, auth: { authorization: string }) => h.app.inject({ method: "DELETE", url: `/v1/jobs/${id}`, headers: auth });

  it("cancels a running job, asks the janitor to purge it and answers 204", async () => {
    const job = await createJob(h, alice.auth);
    const res = await del(job.id, alice.auth);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe("");
    expect((await get(`/v1/jobs/${job.id}`, alice.auth)).json()).toMatchObject({ status: "canceled", error: { code: "CANCELED" } });

    const jsm = await jetstreamManager(h.nc);
    const cleanup = await jsm.streams.getMessage(Streams.lane("low"), { last_by_subj: Subjects.work("cleanup", "batch", sub(alice.token)) });
    expect(cleanup?.json()).toEqual({ v: 1, jobId: job.id, userId: sub(alice.token), reason: "deleted" });
    expect(cleanup?.header.get("Nats-Msg-Id")).toBe(`cleanup:${job.id}:deleted`);
    // Announced as canceled, then as deleted (pages and event streams drop it; the record goes with the cleanup).
    const canceled = await jsm.streams.getMessage(Streams.events, { last_by_subj: Subjects.jobEvent(job.id, "canceled") });
    expect(canceled?.json()).toMatchObject({ type: "canceled", jobId: job.id });
    const deleted = await jsm.streams.getMessage(Streams.events, { last_by_subj: Subjects.jobEvents(job.id) });
    expect(deleted?.json()).toMatchObject({ type: "deleted", jobId: job.id });
    expect(deleted!.seq).toBeGreaterThan(canceled!.seq);

    // Until the janitor purges it, deleting again is harmless; afterwards the job is gone.
    expect((await del(job.id, alice.auth)).statusCode).toBe(204);
    await h.deps.jobs.deleteJob({ userId: sub(alice.token), jobId: job.id });
    const gone = await del(job.id, alice.auth);
    expect(gone.statusCode).toBe(404);
    expect(errorCode(gone)).toBe("NOT_FOUND");
  });

  it("deletes a completed job without changing its status", async () => {
    const job = await createJob(h, alice.auth);
    await completeJob(alice.token, job.id);
    expect((await del(job.id, alice.auth)).statusCode).toBe(204);
    expect((await get(`/v1/jobs/${job.id}`, alice.auth)).json().status).toBe("completed");
  });

  it("answers 404 for another user's job and leaves it alone", async () => {
    const job = await createJob(h, alice.auth);
    const res = await del(job.id, bob.auth);
    expect(res.statusCode).toBe(404);
    expect(errorCode(res)).toBe("NOT_FOUND");
    expect((await get(`/v1/jobs/${job.id}`, alice.auth)).json().status).toBe("queued");
  });
});
