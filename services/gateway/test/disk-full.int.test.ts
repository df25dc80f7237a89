import { request } from "node:http";
import { mkdir, rm, statfs, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BlobKeys } from "@mp4t/contracts";
import { metricsText } from "@mp4t/runtime";
import { createFileBlobStore } from "@mp4t/stores";
import { mountSmallDisk, type SmallDisk } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytes, errorCode, startHarness, uploadBody, type Harness } from "./harness.ts";

// The blobs and the resumable uploads' scratch area on one real 6 MiB file system, with 1 MiB
// kept free for the pipeline: what `npm start` does on one disk, made small enough to fill.
const MIB = 1024 * 1024;
const DISK = 6 * MIB;
const RESERVE = MIB;

let disk: SmallDisk | { unavailable: string };
let h: Harness;
let base: string;
let auth: { authorization: string };

beforeAll(async () => {
  disk = await mountSmallDisk(DISK);
  if ("unavailable" in disk) return;
  const blobs = await createFileBlobStore({ dir: join(disk.dir, "blobs") });
  const scratch = join(disk.dir, "uploads");
  await mkdir(scratch, { mode: 0o700 });
  h = await startHarness(
    { MAX_UPLOAD_BYTES: String(16 * MIB), UPLOAD_SCRATCH_DIR: scratch, UPLOAD_MIN_FREE_BYTES: String(RESERVE), UPLOAD_MIN_BYTES_PER_SEC: "0" },
    { blobs },
  );
  base = await h.app.listen({ port: 0, host: "127.0.0.1" });
  auth = (await h.user()).auth;
});
afterAll(async () => {
  await h?.close();
  if (disk && !("unavailable" in disk)) await disk[Symbol.asyncDispose]();
});

const free = async () => {
  const s = await statfs((disk as SmallDisk).dir);
  return s.bavail * s.bsize;
};
const blobKeys = async () => (await h.deps.blobs.list("jobs/")).map((b) => b.key);
const jobIds = async () => {
  const res = await h.app.inject({ method: "GET", url: "/v1/jobs", headers: auth });
  return (res.json() as { items: { id: string }[] }).items.map((j) => j.id);
};

/**
 * Sends `body` chunked (no Content-Length, as a client streaming from a pipe does), so the
 * server cannot know its size before the disk fills; resolves to the answer.
 */
function sendChunked(path: string, method: string, headers: Record<string, string>, body: Uint8Array) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers: { ...headers, "transfer-encoding": "chunked" } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    // The server may answer and stop reading before the body ends: that is the point.
    req.on("error", (err: NodeJS.ErrnoException) => (err.code === "EPIPE" || err.code === "ECONNRESET" ? undefined : reject(err)));
    for (let at = 0; at < body.length; at += 64 * 1024) req.write(body.subarray(at, at + 64 * 1024));
    req.end();
  });
}

const codeOfText = (text: string) => (JSON.parse(text) as { error: { code: string; message: string } }).error;

describe("uploads on a nearly full disk (a real 6 MiB tmpfs)", () => {
  it("refuses an upload that would leave less than UPLOAD_MIN_FREE_BYTES, before storing a byte", async (ctx) => {
    // Mounting needs root (the suite's machines have it); elsewhere the reason is printed as the skip's note.
    if ("unavailable" in disk) return ctx.skip(disk.unavailable);
    const body = uploadBody(bytes(DISK - RESERVE / 2));
    const res = await h.app.inject({ method: "POST", url: "/v1/jobs", payload: body.payload, headers: { ...body.headers, ...auth } });
    expect(res.statusCode, res.body).toBe(503);
    expect(errorCode(res)).toBe("STORAGE_FULL");
    expect(res.headers["retry-after"]).toBe("60");
    expect(await blobKeys()).toEqual([]);
    expect(await jobIds()).toEqual([]);
    // Operators see the same reading before uploads are refused: one series per place.
    const series = (await metricsText()).body.split("\n").filter((l) => l.startsWith("mp4t_disk_free_bytes{"));
    expect(series.map((l) => l.match(/place="([^"]+)"/)?.[1]).sort()).toEqual(["blobs", "upload scratch"]);
    for (const line of series) expect(Math.abs(Number(line.split(" ").at(-1)) - (await free()))).toBeLessThan(64 * 1024);
  });

  it("answers 503 STORAGE_FULL when the disk fills mid-upload, keeps nothing, and takes the next upload that fits", async (ctx) => {
    if ("unavailable" in disk) return ctx.skip(disk.unavailable);
    const before = await free();
    const body = uploadBody(bytes(DISK + MIB));
    const res = await sendChunked("/v1/jobs", "POST", { ...body.headers, ...auth }, body.payload);
    expect(res.status, res.body).toBe(503);
    expect(codeOfText(res.body).code).toBe("STORAGE_FULL");
    expect(codeOfText(res.body).message).not.toMatch(/ENOSPC|\/tmp|blobs/); // the path and errno stay in the log
    expect(res.headers["retry-after"]).toBe("60");
    expect(await blobKeys()).toEqual([]);
    expect(await jobIds()).toEqual([]);
    expect(await free()).toBe(before); // the partial write was removed

    const small = uploadBody(bytes(100 * 1024, 3));
    const ok = await h.app.inject({ method: "POST", url: "/v1/jobs", payload: small.payload, headers: { ...small.headers, ...auth } });
    expect(ok.statusCode, ok.body).toBe(202);
    const { id } = ok.json() as { id: string };
    expect(await h.deps.blobs.stat(BlobKeys.upload(id))).toEqual({ key: BlobKeys.upload(id), size: 100 * 1024 });
  });

  it("a resumable upload cut off by a full disk keeps what fitted and finishes once there is room again", async (ctx) => {
    if ("unavailable" in disk) return ctx.skip(disk.unavailable);
    const TUS = { "tus-resumable": "1.0.0" };
    const file = new Uint8Array(2 * MIB).map((_, i) => i % 251);
    const meta = `filename ${Buffer.from("talk.mp4").toString("base64")}`;
    const made = await fetch(`${base}/v1/uploads`, {
      method: "POST",
      headers: { ...TUS, ...auth, "upload-length": String(file.length), "upload-metadata": meta },
    });
    expect(made.status, await made.clone().text()).toBe(201);
    const url = made.headers.get("location")!;

    // Something else takes the disk down to 1.5 MiB free: above the reserve, below the file.
    const filler = join((disk as SmallDisk).dir, "filler");
    await writeFile(filler, new Uint8Array(Math.max(0, (await free()) - 1.5 * MIB)));
    const cut = await sendChunked(url, "PATCH", { ...TUS, ...auth, "upload-offset": "0", "content-type": "application/offset+octet-stream" }, file);
    expect(cut.status, cut.body).toBe(503);
    expect(codeOfText(cut.body).code).toBe("STORAGE_FULL");
    const offset = Number((await fetch(`${base}${url}`, { method: "HEAD", headers: { ...TUS, ...auth } })).headers.get("upload-offset"));
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(file.length);

    // Room again: the client resumes from the server's offset and the job is made from every byte.
    await rm(filler);
    const rest = await fetch(`${base}${url}`, {
      method: "PATCH",
      headers: { ...TUS, ...auth, "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
      body: file.subarray(offset),
    });
    expect(rest.status, await rest.clone().text()).toBe(204);
    const jobId = rest.headers.get("mp4t-job-id")!;
    const stored = await h.deps.blobs.getBytes(BlobKeys.upload(jobId));
    expect(stored?.length).toBe(file.length);
    expect(Buffer.compare(stored!, file)).toBe(0); // byte for byte (a deep toEqual of 2 MiB takes seconds)
  });
});
