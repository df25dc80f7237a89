import { BlobKeys, Streams, Subjects } from "@mp4t/contracts";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytes, errorCode, multipart, startHarness, uploadBody, type Harness } from "./harness.ts";

const LIMIT = 64 * 1024;
let h: Harness;
let jsm: JetStreamManager;
let auth: { authorization: string };
let userId: string;

beforeAll(async () => {
  h = await startHarness({ MAX_UPLOAD_BYTES: String(LIMIT) });
  jsm = await jetstreamManager(h.nc);
  const u = await h.user();
  auth = u.auth;
  userId = (h.app.jwt.decode(u.token) as { sub: string }).sub;
});
afterAll(async () => {
  await h?.close();
});

const post = (body: { payload: Buffer; headers: Record<string, string> }, headers: Record<string, string> = auth) =>
  h.app.inject({ method: "POST", url: "/v1/jobs", payload: body.payload, headers: { ...body.headers, ...headers } });

const blobKeys = async () => (await h.deps.blobs.list("jobs/")).map((b) => b.key).sort();

/** Runs a rejected upload and checks it left no blob behind and answered with the uniform error. */
async function rejected(body: { payload: Buffer; headers: Record<string, string> }, status: number, code: string) {
  const before = await blobKeys();
  const res = await post(body);
  expect(res.statusCode, res.body).toBe(status);
  expect(errorCode(res)).toBe(code);
  expect(await blobKeys()).toEqual(before);
}

const lastMessage = async (stream: string, subject: string) => {
  const m = await jsm.streams.getMessage(stream, { last_by_subj: subject });
  return m && { data: m.json<Record<string, unknown>>(), msgId: m.header.get("Nats-Msg-Id") };
};

describe("POST /v1/jobs: accepted uploads", () => {
  it("streams the file into the blob store, queues ingest, emits queued and answers 202", async () => {
    const file = bytes(10_000);
    const res = await post(uploadBody(file, { language: "de", enhance: ["summary", "translate:fr"] }, "dir/Lecture 1.mp4"));
    expect(res.statusCode, res.body).toBe(202);
    const job = res.json();
    expect(job).toMatchObject({
      id: expect.stringMatching(/^[0-9a-z]{26}$/),
      status: "queued",
      progress: 0,
      stages: {},
      fileName: "Lecture 1.mp4",
      sizeBytes: 10_000,
      options: { language: "de", diarize: true, enhance: ["summary", "translate:fr"], class: "interactive" },
    });
    expect(job.userId).toBeUndefined();
    expect(await h.deps.blobs.stat(BlobKeys.upload(job.id))).toEqual({ key: BlobKeys.upload(job.id), size: 10_000 });
    expect(await h.deps.blobs.getBytes(BlobKeys.upload(job.id))).toEqual(file);
    expect(await h.deps.jobs.getJob({ userId, jobId: job.id })).toMatchObject({ status: "queued", userId });

    const ingest = await lastMessage(Streams.lane("critical"), Subjects.work("ingest", "interactive", userId));
    expect(ingest).toEqual({ data: { v: 1, jobId: job.id, userId }, msgId: `ingest:${job.id}` });
    const queued = await lastMessage(Streams.events, Subjects.jobEvents(job.id));
    expect(queued?.data).toMatchObject({ type: "queued", jobId: job.id, status: "queued", progress: 0 });
  });

  it("takes the options field after the file part too, and routes batch jobs to the batch subject", async () => {
    const res = await post(
      multipart([
        { name: "file", filename: "a.wav", contentType: "audio/wav", data: bytes(100) },
        { name: "options", data: JSON.stringify({ class: "batch", diarize: false }) },
      ]),
    );
    expect(res.statusCode, res.body).toBe(202);
    const job = res.json();
    expect(job.options).toMatchObject({ class: "batch", diarize: false });
    const ingest = await lastMessage(Streams.lane("critical"), Subjects.work("ingest", "batch", userId));
    expect(ingest?.data).toMatchObject({ jobId: job.id });
  });

  it("accepts an options part sent as application/json", async () => {
    const res = await post(
      multipart([
        { name: "options", contentType: "application/json", data: '{"speakers": 2}' },
        { name: "file", filename: "b.mp3", data: bytes(50) },
      ]),
    );
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().options.speakers).toBe(2);
  });

  it("uses every default when options are absent, and accepts a file of exactly the limit", async () => {
    const res = await post(uploadBody(bytes(LIMIT)));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ sizeBytes: LIMIT, options: { language: "en", diarize: true, enhance: [], class: "interactive" } });
  });

  it("works with a body built by FormData, as browsers send it", async () => {
    const form = new FormData();
    form.append("options", JSON.stringify({ language: "en" }));
    form.append("file", new Blob([bytes(321)], { type: "video/mp4" }), "clip.mp4");
    const req = new Response(form);
    const res = await h.app.inject({
      method: "POST",
      url: "/v1/jobs",
      payload: Buffer.from(await req.arrayBuffer()),
      headers: { ...auth, "content-type": req.headers.get("content-type")! },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ fileName: "clip.mp4", sizeBytes: 321 });
  });
});

describe("POST /v1/jobs: rejected uploads leave nothing behind", () => {
  it("413 FILE_TOO_LARGE past MAX_UPLOAD_BYTES, with the partial blob removed", () => rejected(uploadBody(bytes(LIMIT + 1)), 413, "FILE_TOO_LARGE"));
  it("413 FILE_TOO_LARGE also when options follow the oversized file", () =>
    rejected(
      multipart([
        { name: "file", filename: "x.mp4", data: bytes(LIMIT * 3) },
        { name: "options", data: "{}" },
      ]),
      413,
      "FILE_TOO_LARGE",
    ));
  it("400 FILE_EMPTY for a zero-byte file", () => rejected(uploadBody(new Uint8Array(0)), 400, "FILE_EMPTY"));
  it("400 FILE_MISSING without a file part", () => rejected(multipart([{ name: "options", data: "{}" }]), 400, "FILE_MISSING"));
  it("400 FILE_MISSING for an empty multipart body", () => rejected(multipart([]), 400, "FILE_MISSING"));
  it("400 FILE_MISSING when `file` is a plain field", () => rejected(multipart([{ name: "file", data: "hello" }]), 400, "FILE_MISSING"));
  it("400 INVALID_JSON for malformed options before the file", () => rejected(uploadBody(bytes(10), '{"language": "en"'), 400, "INVALID_JSON"));
  it("400 INVALID_JSON for malformed options after the file", () =>
    rejected(
      multipart([
        { name: "file", filename: "x.mp4", data: bytes(10) },
        { name: "options", data: "{nope}" },
      ]),
      400,
      "INVALID_JSON",
    ));
  it("400 INVALID_JSON for a malformed application/json options part", () =>
    rejected(
      multipart([
        { name: "options", contentType: "application/json", data: "{" },
        { name: "file", filename: "x.mp4", data: bytes(10) },
      ]),
      400,
      "INVALID_JSON",
    ));
  it("400 VALIDATION_FAILED for an unknown option", () => rejected(uploadBody(bytes(10), { language: "en", colour: "blue" }), 400, "VALIDATION_FAILED"));
  it("400 VALIDATION_FAILED for an unknown option after the file", () =>
    rejected(
      multipart([
        { name: "file", filename: "x.mp4", data: bytes(10) },
        { name: "options", data: '{"priority": 1}' },
      ]),
      400,
      "VALIDATION_FAILED",
    ));
  it.each([
    ["diarize as a string", { diarize: "yes" }],
    ["speakers out of range", { speakers: 50 }],
    ["an unknown enhancement", { enhance: ["poem"] }],
    ["an unknown class", { class: "urgent" }],
    ["options that are not an object", [1, 2]],
  ])("400 VALIDATION_FAILED for %s", (_name, options) => rejected(uploadBody(bytes(10), options), 400, "VALIDATION_FAILED"));
  it("400 VALIDATION_FAILED for a second file part", () =>
    rejected(
      multipart([
        { name: "file", filename: "a.mp4", data: bytes(10) },
        { name: "file", filename: "b.mp4", data: bytes(10) },
      ]),
      400,
      "VALIDATION_FAILED",
    ));
  it("400 VALIDATION_FAILED for an unexpected field", () =>
    rejected(
      multipart([
        { name: "title", data: "x" },
        { name: "file", filename: "a.mp4", data: bytes(10) },
      ]),
      400,
      "VALIDATION_FAILED",
    ));
  it("400 VALIDATION_FAILED for a truncated multipart body", async () => {
    const body = uploadBody(bytes(5000));
    await rejected({ ...body, payload: body.payload.subarray(0, 3000) }, 400, "VALIDATION_FAILED");
  });
  it("415 UNSUPPORTED_CONTENT_TYPE for a JSON body", async () => {
    const res = await h.app.inject({ method: "POST", url: "/v1/jobs", headers: auth, payload: { file: "x" } });
    expect(res.statusCode).toBe(415);
    expect(errorCode(res)).toBe("UNSUPPORTED_CONTENT_TYPE");
  });
  it("415 UNSUPPORTED_CONTENT_TYPE for raw bytes", async () => {
    const res = await h.app.inject({ method: "POST", url: "/v1/jobs", headers: { ...auth, "content-type": "video/mp4" }, payload: Buffer.from(bytes(10)) });
    expect(res.statusCode).toBe(415);
    expect(errorCode(res)).toBe("UNSUPPORTED_CONTENT_TYPE");
  });
  it("401 UNAUTHORIZED without a token, before reading the file", async () => {
    const before = await blobKeys();
    const res = await post(uploadBody(bytes(10)), {});
    expect(res.statusCode).toBe(401);
    expect(errorCode(res)).toBe("UNAUTHORIZED");
    expect(await blobKeys()).toEqual(before);
  });
});
