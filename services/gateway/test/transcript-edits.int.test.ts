import { BlobKeys, Streams, Subjects, type Transcript } from "@mp4t/contracts";
import { createSqliteSearchIndex, putJson } from "@mp4t/stores";
import { assembleTranscript } from "@mp4t/transcript";
import { pollUntil } from "@mp4t/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
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

const words = (start: number, text: string, speaker: string) =>
  text.split(" ").map((w, i) => ({ start: start + i * 0.5, end: start + i * 0.5 + 0.4, word: w.toLowerCase(), speaker }));
const original: Transcript = assembleTranscript({
  language: "en",
  durationSec: 12,
  segments: [
    {
      start: 0,
      end: 2.4,
      text: "The engine heard wreck a nice beach.",
      speaker: "Speaker 1",
      words: words(0, "the engine heard wreck a nice beach", "Speaker 1"),
    },
    { start: 4, end: 5.9, text: "Then Elinor spoke quietly.", speaker: "Speaker 2", words: words(4, "then elinor spoke quietly", "Speaker 2") },
    { start: 7, end: 8.9, text: "And Marianne answered.", speaker: "Speaker 3", words: words(7, "and marianne answered", "Speaker 3") },
  ],
});

/** A job of `user` made through the API and completed with `original` as its transcript. */
async function completedJob(user: { token: string; auth: { authorization: string } }, fileName = "lecture.mp4") {
  const { id } = await createJob(h, user.auth, fileName);
  const ref = { userId: sub(user.token), jobId: id };
  await h.deps.lifecycle.stageStarted(ref, "ingest");
  await putJson(h.deps.blobs, BlobKeys.transcript(id), original);
  const job = await h.deps.lifecycle.complete(ref);
  await h.app.searchIndexer.index(job!);
  return id;
}

const req = (
  method: "GET" | "PATCH" | "PUT" | "POST" | "DELETE",
  url: string,
  auth: { authorization: string },
  payload?: unknown,
  headers: Record<string, string> = {},
) => h.app.inject({ method, url, headers: { ...auth, ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
const search = async (q: string, auth = alice.auth) => {
  const res = await req("GET", `/v1/search?q=${encodeURIComponent(q)}`, auth);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: { jobId: string; segmentIndex: number; start: number; speaker?: string; snippet: string }[]; next: string | null };
};

describe("transcript versions, corrections and speaker names", () => {
  it("saves an edit as version 2 behind If-Match, keeps version 1, and refuses stale or missing ETags", async () => {
    const id = await completedJob(alice);
    const v1 = await req("GET", `/v1/jobs/${id}/transcript`, alice.auth);
    expect(v1.headers.etag).toBe('"v1"');
    expect((await req("GET", `/v1/jobs/${id}/transcript`, alice.auth, undefined, { "if-none-match": '"v1"' })).statusCode).toBe(304);

    const body = { segments: [{ index: 0, text: "The engine heard recognise speech." }] };
    const missing = await req("PATCH", `/v1/jobs/${id}/transcript`, alice.auth, body);
    expect([missing.statusCode, errorCode(missing)]).toEqual([428, "PRECONDITION_REQUIRED"]);
    const ok = await req("PATCH", `/v1/jobs/${id}/transcript`, alice.auth, body, { "if-match": '"v1"' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ version: 2, kind: "edit" });
    expect(ok.headers.etag).toBe('"v2"');
    const stale = await req("PATCH", `/v1/jobs/${id}/transcript`, alice.auth, body, { "if-match": '"v1"' });
    expect([stale.statusCode, errorCode(stale)]).toEqual([412, "TRANSCRIPT_CHANGED"]);

    const current = (await req("GET", `/v1/jobs/${id}/transcript`, alice.auth)).json() as Transcript;
    expect(current.segments[0]!.text).toBe("The engine heard recognise speech.");
    expect(current.segments[0]!.words.map((w) => w.word)).toEqual(["The", "engine", "heard", "recognise", "speech"]);
    const first = await req("GET", `/v1/jobs/${id}/transcript?version=1`, alice.auth);
    expect(first.headers.etag).toBe('"v1"');
    expect(first.json()).toEqual(original);
    expect((await req("GET", `/v1/jobs/${id}/transcript?version=3`, alice.auth)).statusCode).toBe(404);
    const versions = (await req("GET", `/v1/jobs/${id}/transcript/versions`, alice.auth)).json();
    expect(versions).toMatchObject({
      current: 2,
      items: [
        { version: 1, kind: "engine" },
        { version: 2, kind: "edit" },
      ],
    });

    // Search follows the correction: the new words are found, the replaced ones are not.
    expect((await search('"recognise speech"')).items).toMatchObject([{ jobId: id, segmentIndex: 0, start: 0 }]);
    expect((await search("beach")).items.filter((hit) => hit.jobId === id)).toEqual([]);
  });

  it("rejects edits the transcript cannot take with 400, and another user's job with 404", async () => {
    const id = await completedJob(alice);
    const bad = await req("PATCH", `/v1/jobs/${id}/transcript`, alice.auth, { segments: [{ index: 1, text: "x", start: 1 }] }, { "if-match": '"v1"' });
    expect([bad.statusCode, errorCode(bad)]).toEqual([400, "VALIDATION_FAILED"]);
    expect(bad.json().error.message).toMatch(/within/);
    const outOfRange = await req("PATCH", `/v1/jobs/${id}/transcript`, alice.auth, { segments: [{ index: 9, text: "x" }] }, { "if-match": '"v1"' });
    expect(outOfRange.statusCode).toBe(400);
    expect((await req("PATCH", `/v1/jobs/${id}/transcript`, bob.auth, { segments: [{ index: 0, text: "x" }] }, { "if-match": '"v1"' })).statusCode).toBe(404);
    expect((await req("PUT", `/v1/jobs/${id}/speakers`, alice.auth, { "Speaker 9": "Nobody" })).statusCode).toBe(400);
    const queued = (await createJob(h, alice.auth)).id;
    const notReady = await req("PUT", `/v1/jobs/${queued}/speakers`, alice.auth, { "Speaker 1": "A" });
    expect([notReady.statusCode, errorCode(notReady)]).toEqual([409, "TRANSCRIPT_NOT_READY"]);
  });

  it("names and merges speakers in a new version that every format and search show", async () => {
    const id = await completedJob(alice, "austen.mp4");
    const named = await req("PUT", `/v1/jobs/${id}/speakers`, alice.auth, { "Speaker 2": "Elinor Dashwood", "Speaker 3": "Elinor Dashwood" });
    expect(named.statusCode, named.body).toBe(200);
    expect(named.json()).toMatchObject({ version: 2, kind: "speakers", speakers: ["Speaker 1", "Elinor Dashwood"] });
    for (const format of ["json", "txt", "srt", "vtt", "md"]) {
      const res = await req("GET", `/v1/jobs/${id}/transcript?format=${format}`, alice.auth);
      expect(res.body, format).toContain("Elinor Dashwood");
      expect(res.body, format).not.toContain("Speaker 2");
      expect(res.headers.etag).toBe(format === "json" ? '"v2"' : `"v2-${format}"`);
    }
    expect((await req("GET", `/v1/jobs/${id}/transcript?format=vtt`, alice.auth)).body).toContain("<v Elinor Dashwood>");
    expect((await search("marianne answered")).items.filter((hit) => hit.jobId === id)).toMatchObject([{ segmentIndex: 2, speaker: "Elinor Dashwood" }]);
    const stale = await req("PUT", `/v1/jobs/${id}/speakers`, alice.auth, { "Speaker 1": "Narrator" }, { "if-match": '"v1"' });
    expect(stale.statusCode).toBe(412);
  });

  it("keeps another user's transcripts out of their search, and drops a deleted job from search", async () => {
    const id = await completedJob(alice);
    expect((await search("elinor quietly")).items.some((hit) => hit.jobId === id)).toBe(true);
    expect((await search("elinor quietly", bob.auth)).items).toEqual([]);
    expect((await req("DELETE", `/v1/jobs/${id}`, alice.auth)).statusCode).toBe(204);
    expect((await search("elinor quietly")).items.some((hit) => hit.jobId === id)).toBe(false);
    const empty = await req("GET", "/v1/search?q=%20", alice.auth);
    expect([empty.statusCode, errorCode(empty)]).toEqual([400, "VALIDATION_FAILED"]);
  });

  it("queues a re-run of enhancements on the default lane", async () => {
    const id = await completedJob(alice);
    const res = await req("POST", `/v1/jobs/${id}/enhance`, alice.auth, { kinds: ["summary", "summary", "notes"] });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ jobId: id, baseVersion: 1, kinds: ["summary", "notes"] });
    const jsm = await jetstreamManager(h.nc);
    const msg = await jsm.streams.getMessage(Streams.lane("default"), { last_by_subj: Subjects.work("enhance", "interactive", sub(alice.token)) });
    expect(msg!.json()).toEqual({ v: 1, jobId: id, userId: sub(alice.token), rerun: { kinds: ["summary", "notes"] } });
    expect((await req("POST", `/v1/jobs/${id}/enhance`, alice.auth, { kinds: ["poetry"] })).statusCode).toBe(400);
  });
});

describe("search indexer", () => {
  it("indexes at start what completed while it was not running, then follows completion events", async () => {
    const before = await completedJobUnindexed("beforehand words");
    await h.app.searchIndexer.start();
    expect((await h.app.searchIndexer.reconciled()).indexed).toBeGreaterThanOrEqual(1);
    expect((await search("beforehand")).items.map((hit) => hit.jobId)).toContain(before);
    const after = await completedJobUnindexed("afterwards words");
    const found = await pollUntil(
      () => search("afterwards"),
      (page) => page.items.some((hit) => hit.jobId === after),
      "the completed job in search",
      10_000,
    );
    expect(found.items[0]).toMatchObject({ jobId: after, segmentIndex: 0, snippet: "**afterwards** words" });
  });
});

describe("two gateways, each with its own embedded index (two hosts)", () => {
  it("an edit through one gateway is found through the other, and a delete through one vanishes from the other", async () => {
    const other = buildApp({ ...h.deps, search: createSqliteSearchIndex({ path: ":memory:" }) });
    await other.ready();
    try {
      await h.app.searchIndexer.start(); // a no-op when the test above started it
      await other.searchIndexer.start();
      const id = await completedJob(alice);
      const otherSearch = async (q: string) =>
        (await other.inject({ method: "GET", url: `/v1/search?q=${encodeURIComponent(q)}`, headers: alice.auth })).json() as { items: { jobId: string }[] };
      // other's start-up catch-up or the completed event brings the job in
      await pollUntil(
        () => otherSearch("elinor quietly"),
        (p) => p.items.some((hit) => hit.jobId === id),
        "the job on the other gateway",
        10_000,
      );
      const edit = await req(
        "PATCH",
        `/v1/jobs/${id}/transcript`,
        alice.auth,
        { segments: [{ index: 1, text: "Then Elinor whispered." }] },
        { "if-match": '"v1"' },
      );
      expect(edit.statusCode).toBe(200);
      await pollUntil(
        () => otherSearch("whispered"),
        (p) => p.items.some((hit) => hit.jobId === id),
        "the edit on the other gateway",
        10_000,
      );
      expect((await otherSearch("quietly")).items.some((hit) => hit.jobId === id)).toBe(false);
      expect((await other.inject({ method: "DELETE", url: `/v1/jobs/${id}`, headers: alice.auth })).statusCode).toBe(204);
      await pollUntil(
        () => search("whispered"),
        (p) => !p.items.some((hit) => hit.jobId === id),
        "the delete on the first gateway",
        10_000,
      );
    } finally {
      await other.close();
    }
  });
});

async function completedJobUnindexed(text: string) {
  const { id } = await createJob(h, alice.auth);
  const ref = { userId: sub(alice.token), jobId: id };
  await h.deps.lifecycle.stageStarted(ref, "ingest");
  await putJson(
    h.deps.blobs,
    BlobKeys.transcript(id),
    assembleTranscript({
      language: "en",
      durationSec: 3,
      segments: [{ start: 0, end: 2, text, words: words(0, text, "Speaker 1").map(({ speaker: _s, ...w }) => w) }],
    }),
  );
  await h.deps.lifecycle.complete(ref);
  return id;
}

describe("OpenAPI", () => {
  it("documents search, versions, corrections, speaker names and re-runs", async () => {
    const doc = (await h.app.inject({ method: "GET", url: "/openapi.json" })).json() as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>>;
    };
    expect(Object.keys(doc.paths["/v1/search"]!)).toEqual(["get"]);
    expect(doc.paths["/v1/search"]!.get!.parameters!.map((p) => p.name).sort()).toEqual(["cursor", "limit", "q"]);
    expect(doc.paths["/v1/jobs/{id}/transcript"]!.patch!.parameters).toContainEqual(expect.objectContaining({ name: "if-match", in: "header" }));
    expect(Object.keys(doc.paths["/v1/jobs/{id}/transcript"]!.patch!.responses)).toEqual(expect.arrayContaining(["200", "412", "428"]));
    expect(doc.paths["/v1/jobs/{id}/transcript"]!.get!.parameters!.map((p) => p.name)).toContain("version");
    expect(doc.paths["/v1/jobs/{id}/transcript/versions"]!.get).toBeDefined();
    expect(doc.paths["/v1/jobs/{id}/speakers"]!.put).toBeDefined();
    expect(doc.paths["/v1/jobs/{id}/enhance"]!.post!.responses["202"]).toBeDefined();
  });
});
