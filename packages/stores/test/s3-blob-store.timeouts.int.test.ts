import { createHash } from "node:crypto";
import { RetryableError } from "@mp4t/contracts";
import { startVersityGw, type S3Server } from "@mp4t/testing";
import { Client } from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3BlobStore, type S3BlobStoreOptions } from "../src/adapters/s3-blob-store.adapter.ts";
import type { BlobStore } from "../src/ports.ts";
import { failureWithin, startSilentPeer, within, type SilentPeer } from "./silent-peer.ts";

const MIB = 1024 * 1024;
/**
 * The store's time limit where the network goes silent, and how long a call may take at most to
 * fail then. Requests before the silence must finish within the limit too, so it cannot be tiny
 * on a busy test machine; where the network keeps working, tests use a wider one.
 */
const LIMIT_MS = 500;
const BOUND_MS = 5000;
const WORKING_LIMIT_MS = 1000;

let s3: S3Server;
beforeAll(async () => {
  s3 = await startVersityGw();
});
afterAll(async () => {
  await s3?.stop();
});

let n = 0;
const options = (endpoint: string, bucket: string, timeoutMs?: number): S3BlobStoreOptions => ({
  endpoint,
  accessKey: s3.accessKey,
  secretKey: s3.secretKey,
  bucket,
  partSize: 5 * MIB,
  ...(timeoutMs ? { timeoutMs } : {}),
});
const rawClient = () => {
  const u = new URL(s3.endpoint);
  return new Client({ endPoint: u.hostname, port: Number(u.port), useSSL: false, accessKey: s3.accessKey, secretKey: s3.secretKey });
};

type Setup = { peer: SilentPeer; endpoint: string; direct: BlobStore };
/**
 * Runs fn with a store (time limit limitMs) that reaches the S3 server through a peer the test can
 * silence, and a store straight on the server for setting up. Afterwards the first store must have let
 * go of every connection; the bucket is emptied and removed straight on the server.
 */
const throughPeer = async (limitMs: number, fn: (s: BlobStore, setup: Setup) => Promise<void>) => {
  const bucket = `timeouts-${++n}`;
  const direct = await createS3BlobStore(options(s3.endpoint, bucket));
  const peer = await startSilentPeer(Number(new URL(s3.endpoint).port));
  const endpoint = `http://127.0.0.1:${peer.port}`;
  try {
    const store = await createS3BlobStore(options(endpoint, bucket, limitMs));
    try {
      await fn(store, { peer, endpoint, direct });
    } finally {
      await store.close();
    }
    await within(peer.drained(), BOUND_MS); // no socket left open
  } finally {
    await peer.close();
    const raw = rawClient();
    for (const u of await raw.listIncompleteUploads(bucket, "", true).toArray()) await raw.abortMultipartUpload(bucket, u.key, u.uploadId);
    await direct.deletePrefix("");
    await direct.close();
    await raw.removeBucket(bucket);
  }
};

const expectUnavailable = (err: unknown, endpoint: string, call?: string) => {
  expect(err, call).toBeInstanceOf(RetryableError); // the worker runner retries it with backoff
  expect(err).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
  expect((err as Error).message).toContain(endpoint);
};

/** Bytes produced on demand; `onSent` sees the running total after each chunk. */
const generated = (total: number, onSent: (sent: number) => void | Promise<void> = () => {}) => {
  const hash = createHash("sha256");
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(c) {
      if (sent >= total) return c.close();
      const piece = new Uint8Array(Math.min(MIB, total - sent)).fill(sent % 251);
      hash.update(piece);
      sent += piece.byteLength;
      c.enqueue(piece);
      await onSent(sent);
    },
  });
  return { stream, digest: () => hash.digest("hex") };
};
const shaOf = async (reader: ReadableStreamDefaultReader<Uint8Array>, hash = createHash("sha256")) => {
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return hash.digest("hex");
    hash.update(value);
  }
};

describe("S3 blob store against a peer that accepts connections and never answers", () => {
  it("fails start-up with SERVICE_UNAVAILABLE within the limit and keeps no socket open", async () => {
    const peer = await startSilentPeer();
    try {
      const endpoint = `http://127.0.0.1:${peer.port}`;
      const err = await failureWithin(createS3BlobStore(options(endpoint, "never-made", LIMIT_MS)), BOUND_MS);
      expectUnavailable(err, endpoint);
      expect((err as Error).message).toContain(`no answer within ${LIMIT_MS} ms`);
      await within(peer.drained(), BOUND_MS);
    } finally {
      await peer.close();
    }
  });

  it("fails every operation with SERVICE_UNAVAILABLE within the limit once the network goes silent", () =>
    throughPeer(LIMIT_MS, async (s, { peer, endpoint, direct }) => {
      await direct.put("k", new Uint8Array([1, 2, 3]));
      peer.silence();
      const calls: [string, () => Promise<unknown>][] = [
        ["put", () => s.put("k", new Uint8Array([4]))],
        ["streamed put", () => s.put("big", generated(6 * MIB).stream)],
        ["get", () => s.get("k")],
        ["getBytes", () => s.getBytes("k")],
        ["stat", () => s.stat("k")],
        ["delete", () => s.delete("k")],
        ["list", () => s.list("")],
        ["deletePrefix", () => s.deletePrefix("")],
      ];
      // All at once, as a busy worker would: each must fail within the bound on its own.
      const errors = await Promise.all(calls.map(([, call]) => failureWithin(call(), BOUND_MS)));
      errors.forEach((err, i) => expectUnavailable(err, endpoint, calls[i]![0]));
    }));

  it("fails a streamed put whose upload stalls part-way within the idle limit", () =>
    throughPeer(LIMIT_MS, async (s, { peer, endpoint }) => {
      // The network goes silent while the second part is being read, so a part upload stalls.
      const src = generated(15 * MIB, (sent) => void (sent === 7 * MIB && peer.silence()));
      const err = await failureWithin(s.put("stalls", src.stream), BOUND_MS * 2); // a part uploads before the silence
      expectUnavailable(err, endpoint);
      expect((err as Error).message).toContain(`no data moved for ${LIMIT_MS} ms`);
    }));

  it("fails a download whose body stalls part-way within the idle limit", () =>
    throughPeer(LIMIT_MS, async (s, { peer, direct }) => {
      await direct.put("media", generated(12 * MIB).stream);
      const reader = (await s.get("media"))!.getReader();
      expect((await reader.read()).done).toBe(false);
      peer.silence();
      const err = await failureWithin(shaOf(reader), BOUND_MS);
      expect(err).toMatchObject({ code: "ETIMEDOUT", message: `no data moved for ${LIMIT_MS} ms` });
    }));
});

describe("S3 blob store time limits on a working network", () => {
  it("keeps a download whose reader pauses for longer than the limit", () =>
    throughPeer(WORKING_LIMIT_MS, async (s, { direct }) => {
      const big = generated(12 * MIB);
      await direct.put("media", big.stream);
      const small = generated(20_000); // arrives whole while nobody reads it
      await direct.put("small", small.stream);
      const bigReader = (await s.get("media"))!.getReader();
      const hash = createHash("sha256").update((await bigReader.read()).value!);
      const smallReader = (await s.get("small"))!.getReader();
      // A slow consumer (a full disk queue, a slow client) holds the socket idle on our side.
      await new Promise((r) => setTimeout(r, 2 * WORKING_LIMIT_MS));
      expect(await shaOf(bigReader, hash)).toBe(big.digest());
      expect(await shaOf(smallReader)).toBe(small.digest());
    }));

  it("completes a streamed put whose source takes longer than the limit", () =>
    throughPeer(WORKING_LIMIT_MS, async (s) => {
      const total = 7 * MIB; // two parts
      const slow = generated(total, () => new Promise((r) => setTimeout(r, WORKING_LIMIT_MS / 4)));
      const started = performance.now();
      expect(await s.put("slow", slow.stream)).toEqual({ key: "slow", size: total });
      expect(performance.now() - started).toBeGreaterThan(1.5 * WORKING_LIMIT_MS);
      expect(await shaOf((await s.get("slow"))!.getReader())).toBe(slow.digest());
    }));
});
