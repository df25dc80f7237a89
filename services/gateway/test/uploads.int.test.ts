import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobKeys } from "@mp4t/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness.ts";

const LIMIT = 256 * 1024;
let h: Harness;
let base: string;
let scratchDir: string;
let alice: { authorization: string };
let bob: { authorization: string };

beforeAll(async () => {
  scratchDir = await mkdtemp(join(tmpdir(), "mp4t-uploads-"));
  h = await startHarness({ MAX_UPLOAD_BYTES: String(LIMIT), UPLOAD_SCRATCH_DIR: scratchDir, MAX_UPLOADS_PER_USER: "3" });
  base = await h.app.listen({ port: 0, host: "127.0.0.1" });
  alice = (await h.user()).auth;
  bob = (await h.user()).auth;
});
afterAll(async () => {
  await h?.close();
  await rm(scratchDir, { recursive: true, force: true });
});

const TUS = { "tus-resumable": "1.0.0" };
const pause = () => new Promise((r) => setTimeout(r, 20));
const b64 = (s: string) => Buffer.from(s).toString("base64");

async function create(auth: Record<string, string>, length: number, meta = `filename ${b64("talk.mp4")}`) {
  return fetch(`${base}/v1/uploads`, { method: "POST", headers: { ...TUS, ...auth, "upload-length": String(length), "upload-metadata": meta } });
}
async function created(auth: Record<string, string>, length: number, options?: unknown) {
  const meta = `filename ${b64("Lecture.mp4")}${options ? `,options ${b64(JSON.stringify(options))}` : ""}`;
  const res = await create(auth, length, meta);
  expect(res.status, await res.clone().text()).toBe(201);
  const location = res.headers.get("location")!;
  expect(location).toMatch(/^\/v1\/uploads\/[A-Za-z0-9_-]{24}$/);
  return location;
}
const patch = (url: string, auth: Record<string, string>, offset: number, body: Uint8Array) =>
  fetch(`${base}${url}`, {
    method: "PATCH",
    headers: { ...TUS, ...auth, "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
    body,
  });
const head = (url: string, auth: Record<string, string>) => fetch(`${base}${url}`, { method: "HEAD", headers: { ...TUS, ...auth } });
const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const offsetOf = async (url: string) => Number((await head(url, alice)).headers.get("upload-offset"));

/**
 * Sends `sent` bytes of a body that claims `claimed` and, once the server has stored them (HEAD
 * says so), cuts the connection: a dropped upload. Cutting earlier could discard bytes still in
 * the server's socket buffer, which makes the test depend on timing.
 */
async function dropMidway(url: string, offset: number, sent: Uint8Array, claimed: number) {
  const req = request(`${base}${url}`, {
    method: "PATCH",
    headers: { ...TUS, ...alice, "upload-offset": String(offset), "content-type": "application/offset+octet-stream", "content-length": String(claimed) },
  });
  req.on("error", () => undefined);
  req.write(sent);
  for (const t0 = Date.now(); (await offsetOf(url)) < offset + sent.length; await pause()) {
    if (Date.now() - t0 > 10_000) throw new Error("the server did not store the first bytes in time");
  }
  req.destroy();
}

describe("tus uploads", () => {
  it("resumes after a dropped connection from the server's offset and creates the job on the last byte", async () => {
    const file = randomBytes(200 * 1024);
    const url = await created(alice, file.length, { language: "de", class: "batch" });
    expect(await offsetOf(url)).toBe(0);

    await dropMidway(url, 0, file.subarray(0, 64 * 1024), file.length);
    // The server notices the broken body (until then the upload is locked) and keeps what arrived.
    let wrong = await patch(url, alice, 0, file.subarray(0, 10));
    for (const t0 = Date.now(); (await codeOf(wrong.clone())) === "UPLOAD_LOCKED" && Date.now() - t0 < 10_000; await pause())
      wrong = await patch(url, alice, 0, file.subarray(0, 10));
    expect(wrong.status).toBe(409);
    expect(await codeOf(wrong)).toBe("UPLOAD_OFFSET_MISMATCH");
    const offset = await offsetOf(url);
    expect(offset).toBe(64 * 1024);

    const mid = await patch(url, alice, offset, file.subarray(offset, 150 * 1024));
    expect(mid.status).toBe(204);
    expect(mid.headers.get("upload-offset")).toBe(String(150 * 1024));
    expect(mid.headers.get("mp4t-job-id")).toBeNull();
    const last = await patch(url, alice, 150 * 1024, file.subarray(150 * 1024));
    expect(last.status).toBe(204);
    expect(last.headers.get("tus-resumable")).toBe("1.0.0");
    const jobId = last.headers.get("mp4t-job-id")!;
    expect(jobId).toMatch(/^[0-9a-z]{26}$/);

    // Exactly what POST /v1/jobs would have made.
    const job = await h.app.inject({ method: "GET", url: `/v1/jobs/${jobId}`, headers: alice });
    expect(job.json()).toMatchObject({
      id: jobId,
      status: "queued",
      fileName: "Lecture.mp4",
      sizeBytes: file.length,
      options: { language: "de", class: "batch" },
    });
    // Buffer.equals: vitest's deep-equal of 200 KiB takes about half a second.
    expect(Buffer.from((await h.deps.blobs.getBytes(BlobKeys.upload(jobId)))!).equals(file)).toBe(true);
    // HEAD on the finished upload names the job; the bytes left the scratch area.
    expect((await head(url, alice)).headers.get("mp4t-job-id")).toBe(jobId);
    expect((await readdir(scratchDir)).filter((n) => n.endsWith(".bin"))).toEqual([]);
  });

  it("is private: another user gets 404 for HEAD, PATCH and DELETE, and no token gets 401", async () => {
    const url = await created(alice, 10);
    expect((await head(url, bob)).status).toBe(404);
    expect((await patch(url, bob, 0, new Uint8Array(10))).status).toBe(404);
    expect((await fetch(`${base}${url}`, { method: "DELETE", headers: { ...TUS, ...bob } })).status).toBe(404);
    expect((await head(url, {})).status).toBe(401);
    expect(await offsetOf(url)).toBe(0);
    expect((await fetch(`${base}${url}`, { method: "DELETE", headers: { ...TUS, ...alice } })).status).toBe(204);
    expect((await head(url, alice)).status).toBe(404);
  });

  it("refuses what POST /v1/jobs refuses, bodies past Upload-Length, other protocol versions, and more uploads than the cap", async () => {
    const big = await create(alice, LIMIT + 1);
    expect(big.status).toBe(413);
    expect(await codeOf(big)).toBe("FILE_TOO_LARGE");
    const badOptions = await create(alice, 10, `filename ${b64("a.mp4")},options ${b64('{"speakers": 99}')}`);
    expect(badOptions.status).toBe(400);
    expect((await create(alice, 10, `options ${b64("{}")}`)).status).toBe(400);
    const old = await fetch(`${base}/v1/uploads`, {
      method: "POST",
      headers: { ...alice, "tus-resumable": "0.2.2", "upload-length": "10", "upload-metadata": `filename ${b64("a")}` },
    });
    expect(old.status).toBe(412);

    const url = await created(alice, 10);
    const over = await patch(url, alice, 0, new Uint8Array(11));
    expect(over.status).toBe(400);
    // Cap of 3 unfinished uploads per user (`url` is one); bob is not affected; a DELETE frees a place.
    const open = [url, await created(alice, 10), await created(alice, 10)];
    const fourth = await create(alice, 10);
    expect(fourth.status).toBe(429);
    expect(await codeOf(fourth)).toBe("TOO_MANY_UPLOADS");
    expect((await create(bob, 10)).status).toBe(201);
    for (const u of open) expect((await fetch(`${base}${u}`, { method: "DELETE", headers: { ...TUS, ...alice } })).status).toBe(204);
    const options = await fetch(`${base}/v1/uploads`, { method: "OPTIONS" });
    expect(options.headers.get("tus-extension")).toBe("creation,termination,expiration");
    expect(options.headers.get("tus-max-size")).toBe(String(LIMIT));
  });
});

describe("GET /v1/jobs/:id/media", () => {
  it("serves the owner's media with Range, through a bearer token or a media link, and nobody else's", async () => {
    const file = randomBytes(5000);
    const url = await created(alice, file.length);
    const jobId = (await patch(url, alice, 0, file)).headers.get("mp4t-job-id")!;
    const part = await fetch(`${base}/v1/jobs/${jobId}/media`, { headers: { ...alice, range: "bytes=1000-1999" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 1000-1999/5000");
    expect(Buffer.from(await part.arrayBuffer())).toEqual(file.subarray(1000, 2000));
    const tail = await fetch(`${base}/v1/jobs/${jobId}/media`, { headers: { ...alice, range: "bytes=-10" } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(file.subarray(4990));
    expect((await fetch(`${base}/v1/jobs/${jobId}/media`, { headers: { ...alice, range: "bytes=6000-" } })).status).toBe(416);

    const link = await fetch(`${base}/v1/jobs/${jobId}/media-link`, { method: "POST", headers: alice });
    const { url: mediaUrl } = (await link.json()) as { url: string };
    const whole = await fetch(`${base}${mediaUrl}`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(file);
    expect((await fetch(`${base}${mediaUrl.replace(/.{4}$/, "AAAA")}`)).status).toBe(401);
    expect((await fetch(`${base}/v1/jobs/${jobId}/media`, { headers: bob })).status).toBe(404);
    expect((await fetch(`${base}/v1/jobs/${jobId}/media-link`, { method: "POST", headers: bob })).status).toBe(404);
    expect((await fetch(`${base}/v1/jobs/${jobId}/media`)).status).toBe(401);

    // After the janitor's retention the media is gone (the record says so); the answer says why.
    const userId = (h.app.jwt.decode(alice.authorization.slice(7)) as { sub: string }).sub;
    await h.deps.jobs.updateJob({ userId, jobId }, (j) => ({ ...j, mediaDeletedAt: new Date().toISOString() }));
    const gone = await fetch(`${base}/v1/jobs/${jobId}/media`, { headers: alice });
    expect(gone.status).toBe(410);
    expect(await codeOf(gone)).toBe("MEDIA_GONE");
    expect((await fetch(`${base}/v1/jobs/${jobId}/media-link`, { method: "POST", headers: alice })).status).toBe(410);
  });
});

describe("the OpenAPI document", () => {
  it("describes the tus routes and the media routes", async () => {
    const doc = (await h.app.inject({ method: "GET", url: "/openapi.json" })).json() as { paths: Record<string, Record<string, { operationId?: string }>> };
    expect(doc.paths["/v1/uploads"]?.post?.operationId).toBe("createUpload");
    // @fastify/swagger leaves HEAD routes out of the document; PATCH's description names it.
    expect(Object.keys(doc.paths["/v1/uploads/{id}"] ?? {}).sort()).toEqual(["delete", "patch"]);
    expect(doc.paths["/v1/jobs/{id}/media"]?.get?.operationId).toBe("getJobMedia");
    expect(doc.paths["/v1/jobs/{id}/media-link"]?.post?.operationId).toBe("createMediaLink");
  });
});
