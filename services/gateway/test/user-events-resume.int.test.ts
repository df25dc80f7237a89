import { followUserEvents } from "@mp4t/client";
import { Streams } from "@mp4t/contracts";
import { jetstreamManager } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { createJob, suiteHarness, type Harness } from "./harness.ts";
import { sseReader, type Sse } from "./sse-reader.ts";

type User = Awaited<ReturnType<Harness["user"]>>;
type Reader = ReturnType<typeof sseReader>;

/** GET /v1/events resumed after a break: Last-Event-ID (or ?last_event_id=) replays what was missed. */
describe("GET /v1/events resumes from Last-Event-ID", () => {
  const suite = suiteHarness({ SSE_HEARTBEAT_SEC: "0.2" });

  const ref = (u: User, jobId: string) => ({ userId: (suite.h.app.jwt.decode(u.token) as { sub: string }).sub, jobId });
  const open = async (u: User, headers: Record<string, string> = {}, query = "") => {
    const res = await fetch(`${suite.base}/v1/events${query}`, { headers: { ...u.auth, ...headers } });
    expect(res.status).toBe(200);
    const r = sseReader(res);
    expect((await r.next())?.comment).toBe("connected");
    return r;
  };
  const nextEvent = async (r: Reader): Promise<Sse> => {
    for (let e = await r.next(); e; e = await r.next()) if (e.event) return e;
    throw new Error("the event stream ended early");
  };
  /** Events until (and with) the first `queued` of `sentinel`: one more job made after everything else. */
  const until = async (r: Reader, sentinel: string) => {
    const seen: Sse[] = [];
    for (;;) {
      const e = await nextEvent(r);
      seen.push(e);
      if (e.event === "queued" && (e.data as { jobId: string }).jobId === sentinel) return seen;
    }
  };
  const brief = (events: Sse[]) => events.map((e) => [e.event, (e.data as { jobId: string }).jobId]);
  const cancel = (u: User, id: string) => suite.h.app.inject({ method: "POST", url: `/v1/jobs/${id}/cancel`, headers: u.auth });

  it("replays the missed events of one's own jobs once, in order, then follows live", async () => {
    const [alice, bob] = [await suite.h.user(), await suite.h.user()];
    const first = sseReader(await fetch(`${suite.base}/v1/events`, { headers: alice.auth }));
    const one = await createJob(suite.h, alice.auth);
    const seen = await until(first, one.id);
    const lastId = seen.at(-1)!.id!;
    expect(Number(lastId)).toBeGreaterThan(0);
    await first.cancel();

    // While alice is away: her job moves and ends, she makes another, bob works too.
    const theirs = await createJob(suite.h, bob.auth);
    await suite.h.deps.lifecycle.stageStarted(ref(alice, one.id), "ingest");
    await suite.h.deps.lifecycle.progress(ref(alice, one.id), "ingest", 0.5);
    const two = await createJob(suite.h, alice.auth);
    expect((await cancel(bob, theirs.id)).statusCode).toBe(200);
    expect((await cancel(alice, one.id)).statusCode).toBe(200);

    const consumers = async () => (await (await jetstreamManager(suite.h.nc)).streams.info(Streams.events)).state.consumer_count;
    const before = await consumers();
    const resumed = await open(alice, { "last-event-id": lastId });
    // The replay is direct gets: no consumer per request (the gateway's one shared consumer was there before).
    expect(await consumers()).toBe(before);
    const missed = [await nextEvent(resumed), await nextEvent(resumed), await nextEvent(resumed), await nextEvent(resumed)];
    expect(brief(missed)).toEqual([
      ["stage.started", one.id],
      ["progress", one.id],
      ["queued", two.id],
      ["canceled", one.id],
    ]);
    const ids = missed.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids[0]).toBeGreaterThan(Number(lastId));

    // Live from here, and nothing in between: no repeat of the replay, nothing of bob's.
    expect((await cancel(alice, two.id)).statusCode).toBe(200);
    const sentinel = await createJob(suite.h, alice.auth);
    expect(brief(await until(resumed, sentinel.id))).toEqual([
      ["canceled", two.id],
      ["queued", sentinel.id],
    ]);
    await resumed.cancel();
  });

  it("resumes from the newest event in the stream with nothing to replay: no error, no resync, then live", async () => {
    const alice = await suite.h.user();
    const first = await open(alice);
    const job = await createJob(suite.h, alice.auth);
    const last = (await until(first, job.id)).at(-1)!;
    await first.cancel();
    const jsm = await jetstreamManager(suite.h.nc);
    expect((await jsm.streams.info(Streams.events)).state.last_seq).toBe(Number(last.id)); // nothing after it
    const resumed = await open(alice, { "last-event-id": last.id! });
    const sentinel = await createJob(suite.h, alice.auth);
    expect(brief([await nextEvent(resumed)])).toEqual([["queued", sentinel.id]]);
    await resumed.cancel();
  });

  it("takes ?last_event_id= with a stream token (a new EventSource cannot set the header)", async () => {
    const alice = await suite.h.user();
    const job = await createJob(suite.h, alice.auth);
    const first = await open(alice);
    expect((await cancel(alice, job.id)).statusCode).toBe(200);
    const canceled = await nextEvent(first);
    expect(canceled.event).toBe("canceled");
    await first.cancel();
    const later = await createJob(suite.h, alice.auth);
    const { token } = (await suite.h.app.inject({ method: "POST", url: "/v1/auth/stream-token", headers: alice.auth })).json() as { token: string };
    const res = await fetch(`${suite.base}/v1/events?access_token=${encodeURIComponent(token)}&last_event_id=${canceled.id}`);
    expect(res.status).toBe(200);
    const r = sseReader(res);
    expect(brief([await nextEvent(r)])).toEqual([["queued", later.id]]);
    await r.cancel();
  });

  it("is the same stream, event for event, as one that never dropped, while events keep coming during the reconnect", async () => {
    const alice = await suite.h.user();
    const witness = await open(alice);
    const dropped = await open(alice);
    const job = await createJob(suite.h, alice.auth);
    const before = await until(dropped, job.id);
    await dropped.cancel();
    // Events before, during and after the reconnect (its replay, its buffered live events, live ones).
    const storm = (async () => {
      for (let i = 1; i <= 40; i++) await suite.h.deps.lifecycle.progress(ref(alice, job.id), "ingest", i / 40);
    })();
    await new Promise((r) => setTimeout(r, 20));
    const resumed = await open(alice, { "last-event-id": before.at(-1)!.id! });
    await storm;
    const sentinel = await createJob(suite.h, alice.auth);
    const all = await until(witness, sentinel.id);
    const expected = all.filter((e) => Number(e.id) > Number(before.at(-1)!.id));
    const got = await until(resumed, sentinel.id);
    expect(expected.length).toBeGreaterThan(30);
    expect(got.map((e) => [e.id, e.event, e.data])).toEqual(expected.map((e) => [e.id, e.event, e.data]));
    await Promise.all([witness.cancel(), resumed.cancel()]);
  });

  it("says resync first when missed events are gone from the stream (past its retention)", async () => {
    const alice = await suite.h.user();
    const first = await open(alice);
    const old = await createJob(suite.h, alice.auth);
    const lastId = (await until(first, old.id)).at(-1)!.id!;
    await first.cancel();
    await suite.h.deps.lifecycle.stageStarted(ref(alice, old.id), "ingest");
    const kept = await createJob(suite.h, alice.auth);
    // What max_age would do after days: the events up to and with alice's stage.started are gone.
    const jsm = await jetstreamManager(suite.h.nc);
    const { state } = await jsm.streams.info(Streams.events);
    await jsm.streams.purge(Streams.events, { keep: 1 });
    expect((await jsm.streams.info(Streams.events)).state.first_seq).toBe(state.last_seq);

    const resumed = await open(alice, { "last-event-id": lastId });
    const resync = await nextEvent(resumed);
    expect(resync).toMatchObject({ event: "resync", data: { reason: expect.any(String) } });
    expect(resync.id).toBeUndefined();
    expect(brief([await nextEvent(resumed)])).toEqual([["queued", kept.id]]);
    await resumed.cancel();
  });

  it("the client's followUserEvents reconnects after a drop from the last id and misses nothing", async () => {
    const alice = await suite.h.user();
    // A fetch whose first response breaks off after the first event, as a dropped connection would.
    let calls = 0;
    const lastIds: (string | null)[] = [];
    const dropping: typeof fetch = async (url, init) => {
      lastIds.push(new Headers(init?.headers).get("last-event-id"));
      const res = await fetch(url, init);
      if (++calls > 1) return res;
      const reader = res.body!.getReader();
      let text = "";
      const body = new ReadableStream<Uint8Array>({
        async pull(c) {
          const { done, value } = await reader.read();
          if (done) return c.close();
          text += new TextDecoder().decode(value);
          c.enqueue(value);
          if (text.includes("event: queued")) {
            await reader.cancel();
            c.close();
          }
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const ac = new AbortController();
    const events = followUserEvents({ baseUrl: suite.base, token: alice.token, fetch: dropping, signal: ac.signal });
    const first = events.next();
    await expect.poll(() => suite.h.app.httpStats().openEventStreams, { timeout: 10_000 }).toBe(1); // the stream is open
    const job = await createJob(suite.h, alice.auth);
    expect((await first).value).toMatchObject({ type: "queued", jobId: job.id });
    // Dropped now; these happen before (or while) it reconnects.
    expect((await cancel(alice, job.id)).statusCode).toBe(200);
    const later = await createJob(suite.h, alice.auth);
    const next = [(await events.next()).value, (await events.next()).value];
    expect(next.map((e) => [e?.type, e && "jobId" in e ? e.jobId : undefined])).toEqual([
      ["canceled", job.id],
      ["queued", later.id],
    ]);
    expect(calls).toBe(2);
    expect(lastIds[0]).toBeNull();
    expect(Number(lastIds[1])).toBeGreaterThan(0);
    ac.abort();
    await events.return(undefined);
  });

  it("refuses a Last-Event-ID that is not a sequence number with 400", async () => {
    const alice = await suite.h.user();
    for (const headers of [{ "last-event-id": "abc" }, { "last-event-id": "-1" }]) {
      const res = await fetch(`${suite.base}/v1/events`, { headers: { ...alice.auth, ...headers } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("VALIDATION_FAILED");
    }
    const res = await fetch(`${suite.base}/v1/events?last_event_id=1.5`, { headers: alice.auth });
    expect(res.status).toBe(400);
  });
});
