import { createHash } from "node:crypto";
import { blobStoreConformance } from "@mp4t/stores/conformance";
import { RetryableError } from "@mp4t/contracts";
import { freePort, startVersityGw, type S3Server } from "@mp4t/testing";
import { Client } from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3BlobStore, type S3BlobStoreOptions } from "../src/adapters/s3-blob-store.adapter.ts";
import type { BlobStore } from "../src/ports.ts";

const MIB = 1024 * 1024;

let s3: S3Server;
beforeAll(async () => {
  s3 = await startVersityGw();
});
afterAll(async () => {
  await s3?.stop();
});

let n = 0;
const options = (extra: Partial<S3BlobStoreOptions> = {}): S3BlobStoreOptions => ({
  endpoint: s3.endpoint,
  accessKey: s3.accessKey,
  secretKey: s3.secretKey,
  bucket: `blobs-${++n}`,
  ...extra,
});
const rawClient = () => {
  const u = new URL(s3.endpoint);
  return new Client({ endPoint: u.hostname, port: Number(u.port), useSSL: false, accessKey: s3.accessKey, secretKey: s3.secretKey });
};
/** Runs fn against a store on a fresh bucket, then empties and removes the bucket. */
const withStore = async (extra: Partial<S3BlobStoreOptions>, fn: (s: BlobStore, bucket: string) => Promise<void>) => {
  const opts = options(extra);
  const store = await createS3BlobStore(opts);
  try {
    await fn(store, opts.bucket);
  } finally {
    await store.deletePrefix("");
    await store.close();
    await rawClient().removeBucket(opts.bucket);
  }
};

blobStoreConformance(
  "versitygw (S3)",
  async () => {
    const opts = options();
    const store = await createS3BlobStore(opts);
    return {
      store,
      async cleanup() {
        await store.deletePrefix("");
        await store.close();
        await rawClient().removeBucket(opts.bucket);
      },
    };
  },
  { readsInto: false },
);

/** Deterministic bytes produced on demand, so the test never holds the whole body either. */
const generated = (total: number, chunk = 256 * 1024) => {
  const hash = createHash("sha256");
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= total) return c.close();
      const len = Math.min(chunk, total - sent);
      const piece = Uint8Array.from({ length: len }, (_, i) => ((sent + i) * 131 + 17) % 253);
      hash.update(piece);
      sent += len;
      c.enqueue(piece);
    },
  });
  return { stream, digest: () => hash.digest("hex") };
};
const shaOfStream = async (s: ReadableStream<Uint8Array>) => {
  const hash = createHash("sha256");
  let size = 0;
  for await (const piece of s) {
    hash.update(piece);
    size += piece.byteLength;
  }
  return { sha: hash.digest("hex"), size };
};
const incompleteUploads = async (bucket: string) => (await rawClient().listIncompleteUploads(bucket, "", true).toArray()).length;

describe("S3 blob store on versitygw", () => {
  it("creates its bucket when missing and reuses it when present", async () => {
    const opts = options();
    const raw = rawClient();
    expect(await raw.bucketExists(opts.bucket)).toBe(false);
    const first = await createS3BlobStore(opts);
    try {
      expect(await raw.bucketExists(opts.bucket)).toBe(true);
      await first.put("k", new TextEncoder().encode("kept"));
      const second = await createS3BlobStore(opts);
      expect(new TextDecoder().decode((await second.getBytes("k"))!)).toBe("kept");
      await second.close();
    } finally {
      await first.deletePrefix("");
      await first.close();
      await raw.removeBucket(opts.bucket);
    }
  });

  it("streams a multipart upload and download exactly, leaving no unfinished upload", () =>
    withStore({ partSize: 5 * MIB }, async (s, bucket) => {
      for (const total of [12 * MIB + 4321, 10 * MIB]) {
        // a short last part, and an exact part boundary
        const src = generated(total);
        expect(await s.put(`media/${total}`, src.stream, { contentType: "video/mp4" })).toEqual({ key: `media/${total}`, size: total });
        expect(await s.stat(`media/${total}`)).toEqual({ key: `media/${total}`, size: total });
        // A multipart object's ETag ends in its part count: 3 parts, then 2 with no empty third.
        expect((await rawClient().statObject(bucket, `media/${total}`)).etag).toMatch(total === 10 * MIB ? /-2$/ : /-3$/);
        expect(await shaOfStream((await s.get(`media/${total}`))!)).toEqual({ sha: src.digest(), size: total });
      }
      expect(await incompleteUploads(bucket)).toBe(0);
    }));

  it("keeps the content type on single and multipart puts", () =>
    withStore({ partSize: 5 * MIB }, async (s, bucket) => {
      await s.put("small.json", new TextEncoder().encode("{}"), { contentType: "application/json" });
      await s.put("big.wav", generated(6 * MIB).stream, { contentType: "audio/wav" });
      await s.put("plain", new Uint8Array(3));
      const raw = rawClient();
      expect((await raw.statObject(bucket, "small.json")).metaData["content-type"]).toBe("application/json");
      expect((await raw.statObject(bucket, "big.wav")).metaData["content-type"]).toBe("audio/wav");
      expect((await raw.statObject(bucket, "plain")).metaData["content-type"]).toBe("application/octet-stream");
    }));

  it("fails a put whose source breaks after some parts, aborting the upload and keeping the old object", () =>
    withStore({ partSize: 5 * MIB }, async (s, bucket) => {
      await s.put("upload", new TextEncoder().encode("previous"));
      let sent = 0;
      const breaksLate = new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent >= 11 * MIB) return c.error(new Error("client went away"));
          sent += MIB;
          c.enqueue(new Uint8Array(MIB).fill(7));
        },
      });
      const err = await s.put("upload", breaksLate).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toBe("client went away"); // the caller's failure, not "S3 unreachable"
      expect(new TextDecoder().decode((await s.getBytes("upload"))!)).toBe("previous");
      expect(await incompleteUploads(bucket)).toBe(0);
    }));

  it("deletes a prefix holding more keys than one DeleteObjects batch", () =>
    withStore({}, async (s) => {
      const keys = Array.from({ length: 1003 }, (_, i) => `jobs/big/${String(i).padStart(4, "0")}`);
      for (let i = 0; i < keys.length; i += 50) {
        await Promise.all(keys.slice(i, i + 50).map((k) => s.put(k, new Uint8Array([1]))));
      }
      await s.put("jobs/other/keep", new Uint8Array([2]));
      expect((await s.list("jobs/big/")).length).toBe(1003);
      expect(await s.deletePrefix("jobs/big/")).toBe(1003);
      expect(await s.list("jobs/big/")).toEqual([]);
      expect(await s.list("jobs/")).toEqual([{ key: "jobs/other/keep", size: 1 }]);
    }));

  it("rejects wrong credentials with the S3 error, not as unreachable", async () => {
    const err = await createS3BlobStore(options({ secretKey: "not-the-secret" })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(RetryableError);
    // The bucket check is a HEAD, whose 403 reply has no body to name the exact cause.
    expect((err as { code?: string }).code).toBe("AccessDenied");
  });
});

describe("S3 blob store when the server is down", () => {
  const expectUnavailable = async (p: Promise<unknown>, endpoint: string) => {
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableError); // the worker runner retries it with backoff
    expect(err).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect((err as Error).message).toContain(endpoint);
  };

  it("fails to start against an endpoint nothing listens on", async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    await expectUnavailable(createS3BlobStore({ ...options(), endpoint }), endpoint);
  });

  it("throws SERVICE_UNAVAILABLE from every operation once the server stops", async () => {
    const own = await startVersityGw();
    const store = await createS3BlobStore({ endpoint: own.endpoint, accessKey: own.accessKey, secretKey: own.secretKey, bucket: "down" });
    try {
      await store.put("k", new Uint8Array([1, 2, 3]));
      await own.stop();
      await expectUnavailable(store.put("k", new Uint8Array([4])), own.endpoint);
      await expectUnavailable(store.put("s", generated(6 * MIB).stream), own.endpoint);
      await expectUnavailable(store.get("k"), own.endpoint);
      await expectUnavailable(store.getBytes("k"), own.endpoint);
      await expectUnavailable(store.stat("k"), own.endpoint);
      await expectUnavailable(store.delete("k"), own.endpoint);
      await expectUnavailable(store.list(""), own.endpoint);
      await expectUnavailable(store.deletePrefix(""), own.endpoint);
    } finally {
      await store.close();
      await own.stop();
    }
  });
});
