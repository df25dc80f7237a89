import { BlobKeys, Streams, Subjects } from "@mp4t/contracts";
import { jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJob, errorCode, startHarness, type Harness } from "./harness.ts";

type View = { id: string; status: string; attempts?: number; error?: { code: string } };

describe("job actions: cancel, retry, delete", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 30_000);
  afterAll(async () => {
    await h?.close();
  });

  const post = (u: { auth: { authorization: string } }, url: string) => h.app.inject({ method: "POST", url, headers: u.auth });
  const refOf = async (email: string, jobId: string) => ({ userId: (await h.deps.jobs.getUserByEmail(email))!.id, jobId });

  it("cancel keeps a canceled record that status=canceled lists; a second cancel is 409 JOB_ALREADY_ENDED", async () => {
    const u = await h.user();
    const job = await createJob(h, u.auth);
    const other = await createJob(h, u.auth);
    const res = await post(u, `/v1/jobs/${job.id}/cancel`);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as View).status).toBe("canceled");
    const listed = await h.app.inject({ method: "GET", url: "/v1/jobs?status=canceled", headers: u.auth });
    expect((listed.json() as { items: View[] }).items.map((j) => j.id)).toEqual([job.id]);
    expect((await h.app.inject({ method: "GET", url: `/v1/jobs/${other.id}`, headers: u.auth })).json()).toMatchObject({ status: "queued" });
    const again = await post(u, `/v1/jobs/${job.id}/cancel`);
    expect(again.statusCode).toBe(409);
    expect(errorCode(again)).toBe("JOB_ALREADY_ENDED");
    expect(errorCode(await post(u, `/v1/jobs/${job.id}/retry`))).toBe("JOB_NOT_RETRYABLE");
    expect((await post(u, "/v1/jobs/01jd3f5h7k9m1p3r5t7v9x1z3b/cancel")).statusCode).toBe(404);
  });

  it("retries only a failed job: processing again, one more attempt, its stage's command queued under a new message id", async () => {
    const u = await h.user();
    const job = await createJob(h, u.auth);
    expect(errorCode(await post(u, `/v1/jobs/${job.id}/retry`))).toBe("JOB_NOT_RETRYABLE");
    const ref = await refOf(u.email, job.id);
    await h.deps.lifecycle.fail(ref, "ENGINE_FAILED", "the engine was down", "ingest");
    const res = await post(u, `/v1/jobs/${job.id}/retry`);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ status: "processing", attempts: 2 });
    expect(res.json()).not.toHaveProperty("error");
    const jsm = await jetstreamManager(h.nc);
    const subjects = Object.keys((await jsm.streams.info(Streams.lane("critical"), { subjects_filter: ">" })).state.subjects ?? {});
    // Other tests' jobs sit on other users' fairness subjects: look at the last message of each.
    const lastIds = await Promise.all(
      subjects
        .filter((s) => s.includes(".ingest."))
        .map(async (s) => (await jsm.streams.getMessage(Streams.lane("critical"), { last_by_subj: s }))?.header.get("Nats-Msg-Id")),
    );
    expect(lastIds).toContain(`retry:${job.id}:2`);
    expect(errorCode(await post(u, `/v1/jobs/${job.id}/retry`))).toBe("JOB_NOT_RETRYABLE");
  });

  it("stores a retried job's events again: failing at the same stage and progress is not taken for a re-sent event", async () => {
    const u = await h.user();
    const job = await createJob(h, u.auth);
    const ref = await refOf(u.email, job.id);
    await h.deps.lifecycle.stageStarted(ref, "ingest");
    await h.deps.lifecycle.fail(ref, "ENGINE_FAILED", "the engine was down", "ingest");
    expect((await post(u, `/v1/jobs/${job.id}/retry`)).statusCode).toBe(202);
    await h.deps.lifecycle.stageStarted(ref, "ingest");
    await h.deps.lifecycle.fail(ref, "ENGINE_FAILED", "the engine was down again", "ingest");
    const jsm = await jetstreamManager(h.nc);
    const subject = Subjects.jobEvents(job.id);
    const bySubject = (await jsm.streams.info(Streams.events, { subjects_filter: subject })).state.subjects ?? {};
    const stored = Object.values(bySubject).reduce((a, b) => a + b, 0);
    // queued, stage.started, failed; then the retry's progress, stage.started and failed (inside JetStream's duplicate window)
    expect(stored).toBe(6);
    const last = await jsm.streams.getMessage(Streams.events, { last_by_subj: subject });
    expect(last?.json()).toMatchObject({ type: "failed", error: { message: "the engine was down again" } });
    expect(last?.header.get("Nats-Msg-Id")).toMatch(/:a2$/);
  });

  it("refuses to retry a failed job whose upload is gone", async () => {
    const u = await h.user();
    const job = await createJob(h, u.auth);
    await h.deps.lifecycle.fail(await refOf(u.email, job.id), "MEDIA_UNREADABLE", "not media", "ingest");
    await h.deps.blobs.delete(BlobKeys.upload(job.id));
    const res = await post(u, `/v1/jobs/${job.id}/retry`);
    expect(res.statusCode).toBe(409);
    expect(errorCode(res)).toBe("JOB_NOT_RETRYABLE");
  });

  it("delete cancels a running job first, then queues the removal of everything", async () => {
    const u = await h.user();
    const job = await createJob(h, u.auth);
    const res = await h.app.inject({ method: "DELETE", url: `/v1/jobs/${job.id}`, headers: u.auth });
    expect(res.statusCode).toBe(204);
    expect((await h.deps.jobs.getJob(await refOf(u.email, job.id)))?.status).toBe("canceled");
  });

  it("keeps other users out", async () => {
    const [alice, bob] = [await h.user(), await h.user()];
    const job = await createJob(h, alice.auth);
    for (const action of ["cancel", "retry"]) expect((await post(bob, `/v1/jobs/${job.id}/${action}`)).statusCode).toBe(404);
  });
});
