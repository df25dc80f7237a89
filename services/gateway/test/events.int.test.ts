import { BlobKeys, STAGE_LANES, Streams } from "@mp4t/contracts";
import { ensureTopology } from "@mp4t/messaging/internal";
import { jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytes, createJob, errorCode, startHarness, uploadBody, type Harness } from "./harness.ts";
import { sseReader, type Sse } from "./sse-reader.ts";

let h: Harness;
let base: string;
let user: { token: string; auth: { authorization: string } };
const ref = (jobId: string) => ({ userId: (h.app.jwt.decode(user.token) as { sub: string }).sub, jobId });

beforeAll(async () => {
  h = await startHarness({ SSE_HEARTBEAT_SEC: "0.2" });
  base = await h.app.listen({ port: 0, host: "127.0.0.1" });
  user = await h.user();
});
afterAll(async () => {
  await h?.close();
});

const open = (jobId: string, headers: Record<string, string> = {}) => fetch(`${base}/v1/jobs/${jobId}/events`, { headers: { ...user.auth, ...headers } });

/** A `progress` event as another replica publishes it, after a write it made earlier (run 1). */
const lateProgress = (jobId: string, userId: string, progress: number, stage: "ingest" | "transcribe") =>
  h.deps.publisher.event({ v: 1, type: "progress", jobId, userId, status: "processing", progress, stage, at: new Date().toISOString() });

/** Skips comments (connected, keep-alive) and returns the next event. */
async function nextEvent(r: ReturnType<typeof sseReader>) {
  for (let e = await r.next(); e; e = await r.next()) if (e.event) return e;
  return null;
}

describe("GET /v1/jobs/:id/events", () => {
  it("replays what happened, follows live, and ends after the terminal event", async () => {
    const job = await createJob(h, user.auth);
    const res = await open(job.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const r = sseReader(res);
    expect(await nextEvent(r)).toMatchObject({ event: "queued", id: expect.any(String), data: { type: "queued", jobId: job.id, status: "queued" } });

    await h.deps.lifecycle.stageStarted(ref(job.id), "ingest");
    expect(await nextEvent(r)).toMatchObject({ event: "stage.started", data: { stage: "ingest", status: "processing" } });
    await h.deps.lifecycle.progress(ref(job.id), "ingest", 0.5);
    expect(await nextEvent(r)).toMatchObject({ event: "progress", data: { progress: 0.05 } });
    await h.deps.lifecycle.complete(ref(job.id));
    const rest = await r.rest();
    expect(rest.map((e) => e.event)).toEqual(["completed"]);
    expect(rest[0]!.data).toMatchObject({ status: "completed", progress: 1 });
  });

  it("replays a finished job's whole history and ends at once", async () => {
    const job = await createJob(h, user.auth);
    await h.deps.lifecycle.stageStarted(ref(job.id), "ingest");
    await h.deps.lifecycle.fail(ref(job.id), "MEDIA_UNREADABLE", "not media", "ingest");
    const events = await sseReader(await open(job.id)).rest();
    expect(events.map((e) => e.event)).toEqual(["queued", "stage.started", "failed"]);
    expect(events[2]!.data).toMatchObject({ status: "failed", error: { code: "MEDIA_UNREADABLE" } });
  });

  it("resumes after Last-Event-ID", async () => {
    const job = await createJob(h, user.auth);
    await h.deps.lifecycle.stageStarted(ref(job.id), "ingest");
    await h.deps.lifecycle.cancel(ref(job.id));
    const all = await sseReader(await open(job.id)).rest();
    expect(all.map((e) => e.event)).toEqual(["queued", "stage.started", "canceled"]);
    const resumed = await sseReader(await open(job.id, { "last-event-id": all[0]!.id! })).rest();
    expect(resumed.map((e) => e.event)).toEqual(["stage.started", "canceled"]);
    const atEnd = await sseReader(await open(job.id, { "last-event-id": all[2]!.id! })).rest();
    expect(atEnd).toEqual([]);
  });

  it("drops a progress event stored after a later state of the job: live, replayed, resumed, and in the user feed", async () => {
    const feed = sseReader(await fetch(`${base}/v1/events`, { headers: user.auth }));
    expect((await feed.next())?.comment).toBe("connected");
    const job = await createJob(h, user.auth);
    const { userId } = ref(job.id);
    const live = sseReader(await open(job.id));
    expect(await nextEvent(live)).toMatchObject({ event: "queued" });
    await h.deps.lifecycle.stageStarted(ref(job.id), "transcribe");
    await h.deps.lifecycle.progress(ref(job.id), "transcribe", 0.5);
    await h.deps.lifecycle.stageDone(ref(job.id), "transcribe");
    // Another replica's write of 0.5 of the stage came before the stage's end; its event is stored after it.
    await lateProgress(job.id, userId, 0.38, "transcribe");
    await h.deps.lifecycle.complete(ref(job.id));
    const shown = (events: { event?: string; data?: unknown }[]) =>
      events
        .filter((e) => (e.data as { jobId?: string } | undefined)?.jobId === job.id)
        .map((e) => [e.event, Math.round((e.data as { progress: number }).progress * 1000) / 1000]);
    const expected = [
      ["stage.started", 0.1],
      ["progress", 0.45],
      ["stage.done", 0.8],
      ["completed", 1],
    ];
    expect(shown(await live.rest())).toEqual(expected);
    const replayed = await sseReader(await open(job.id)).rest();
    expect(shown(replayed)).toEqual([["queued", 0], ...expected]);
    // The stream does hold the late event: a resume after the stage's end must not send it either.
    const jsm = await jetstreamManager(h.nc);
    const stored = await jsm.streams.getMessage(Streams.events, { seq: Number(replayed.at(-1)!.id) - 1 });
    expect(stored?.json()).toMatchObject({ type: "progress", progress: 0.38 });
    const stageDone = replayed.find((e) => e.event === "stage.done")!;
    expect(shown(await sseReader(await open(job.id, { "last-event-id": stageDone.id! })).rest())).toEqual([["completed", 1]]);
    const inFeed: Sse[] = [];
    for (let e = await nextEvent(feed); e; e = e.event === "completed" ? null : await nextEvent(feed)) inFeed.push(e);
    expect(shown(inFeed)).toEqual([["queued", 0], ...expected]);
    await feed.cancel();
  });

  it("drops a progress event stored after its run failed, and follows the owner's retry from 0 (its run read from the message id)", async () => {
    const feed = sseReader(await fetch(`${base}/v1/events`, { headers: user.auth }));
    expect((await feed.next())?.comment).toBe("connected");
    const job = await createJob(h, user.auth);
    const { userId } = ref(job.id);
    await h.deps.lifecycle.stageStarted(ref(job.id), "ingest");
    await h.deps.lifecycle.progress(ref(job.id), "ingest", 0.5);
    await h.deps.lifecycle.fail(ref(job.id), "MEDIA_UNREADABLE", "not media", "ingest");
    // Another replica's event of the failed run, stored after the failure.
    await lateProgress(job.id, userId, 0.03, "ingest");
    await h.deps.lifecycle.retry(ref(job.id), { restart: true });
    await h.deps.lifecycle.stageStarted(ref(job.id), "ingest");
    await h.deps.lifecycle.progress(ref(job.id), "ingest", 0.2);
    await h.deps.lifecycle.cancel(ref(job.id));
    const seen: string[] = [];
    for (let e = await nextEvent(feed); e; e = e.event === "canceled" ? null : await nextEvent(feed)) {
      const d = e.data as { jobId: string; progress: number };
      if (d.jobId === job.id) seen.push(`${e.event} ${Math.round(d.progress * 1000) / 1000}`);
    }
    expect(seen).toEqual(["queued 0", "stage.started 0", "progress 0.05", "failed 0.05", "progress 0", "stage.started 0", "progress 0.02", "canceled 0.02"]);
    await feed.cancel();
  });

  it("a resumed user feed drops a late event of a job it had shown a later state of before the resume point", async () => {
    const feed = sseReader(await fetch(`${base}/v1/events`, { headers: user.auth }));
    expect((await feed.next())?.comment).toBe("connected");
    const job = await createJob(h, user.auth);
    const { userId } = ref(job.id);
    const mine = (e: Sse) => (e.data as { jobId?: string } | undefined)?.jobId === job.id;
    await h.deps.lifecycle.stageStarted(ref(job.id), "transcribe");
    await h.deps.lifecycle.progress(ref(job.id), "transcribe", 0.5);
    let shownLast: Sse | null = null;
    for (let e = await nextEvent(feed); e && !shownLast; e = shownLast ? null : await nextEvent(feed)) if (mine(e) && e.event === "progress") shownLast = e;
    expect(shownLast).not.toBeNull();
    expect((shownLast!.data as { progress: number }).progress).toBeCloseTo(0.45, 6);
    await feed.cancel(); // the client goes away having shown 0.45
    // Another replica's earlier write of the stage: its event is stored after the client's last one.
    await lateProgress(job.id, userId, 0.38, "transcribe");
    const jsm = await jetstreamManager(h.nc);
    expect((await jsm.streams.getMessage(Streams.events, { seq: Number(shownLast!.id) + 1 }))?.json()).toMatchObject({
      jobId: job.id,
      type: "progress",
      progress: 0.38,
    });
    const resumed = sseReader(await fetch(`${base}/v1/events`, { headers: { ...user.auth, "last-event-id": shownLast!.id! } }));
    await h.deps.lifecycle.stageDone(ref(job.id), "transcribe");
    await h.deps.lifecycle.complete(ref(job.id));
    const seen: [string | undefined, number][] = [];
    for (let e = await nextEvent(resumed); e; e = e.event === "completed" ? null : await nextEvent(resumed))
      if (mine(e)) seen.push([e.event, Math.round((e.data as { progress: number }).progress * 1000) / 1000]);
    expect(seen).toEqual([
      ["stage.done", 0.8],
      ["completed", 1],
    ]);
    await resumed.cancel();
  });

  it("sends keep-alive comments while nothing happens", async () => {
    const job = await createJob(h, user.auth);
    const r = sseReader(await open(job.id));
    const seen: string[] = [];
    for (let e = await r.next(); e && !seen.includes("keep-alive"); e = await r.next()) seen.push(e.comment ?? e.event!);
    expect(seen).toEqual(["connected", "queued", "keep-alive"]);
    await r.cancel();
  });

  it("stops following when the client goes away", async () => {
    const job = await createJob(h, user.auth);
    const ac = new AbortController();
    const res = await fetch(`${base}/v1/jobs/${job.id}/events`, { headers: user.auth, signal: ac.signal });
    const r = sseReader(res);
    expect(await nextEvent(r)).toMatchObject({ event: "queued" });
    expect(h.app.httpStats().openEventStreams).toBe(1);
    ac.abort();
    await expect.poll(() => h.app.httpStats().openEventStreams, { timeout: 10_000 }).toBe(0);
  });

  it("answers 404 JSON for another user's job and 401 without a token", async () => {
    const job = await createJob(h, user.auth);
    const other = await h.user();
    const res = await fetch(`${base}/v1/jobs/${job.id}/events`, { headers: other.auth });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    const anon = await fetch(`${base}/v1/jobs/${job.id}/events`);
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
  });

  it("announces a job as queued before its ingest command, and as deleted when that command cannot be queued", async () => {
    const feed = sseReader(await fetch(`${base}/v1/events`, { headers: user.auth }));
    expect((await feed.next())?.comment).toBe("connected");
    // The ingest lane's stream is gone: the job is stored and announced, then its command refused.
    const jsm = await jetstreamManager(h.nc);
    await jsm.streams.delete(Streams.lane(STAGE_LANES.ingest));
    try {
      const body = uploadBody(bytes(256));
      const res = await h.app.inject({ method: "POST", url: "/v1/jobs", payload: body.payload, headers: { ...body.headers, ...user.auth } });
      expect(res.statusCode, res.body).toBe(503);
      expect(errorCode(res)).toBe("SERVICE_UNAVAILABLE");
    } finally {
      await ensureTopology(jsm);
    }
    const queued = await nextEvent(feed);
    expect(queued).toMatchObject({ event: "queued", data: { status: "queued" } });
    const jobId = (queued!.data as { jobId: string }).jobId;
    expect(await nextEvent(feed)).toMatchObject({ event: "deleted", data: { jobId } });
    await feed.cancel();
    expect(await h.deps.jobs.getJob(ref(jobId))).toBeNull();
    expect(await h.deps.blobs.stat(BlobKeys.upload(jobId))).toBeNull();
  });
});
