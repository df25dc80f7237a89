import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { RetryableError } from "@mp4t/platform";
import { Client } from "minio";
import type { BlobInfo, BlobStore } from "../ports.ts";

export type S3BlobStoreOptions = {
  /** S3 API base URL, e.g. http://127.0.0.1:9000 or https://s3.example.com */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region?: string;
  /**
   * Bytes per multipart part. A streamed put holds at most about two parts in memory, and S3
   * allows 10 000 parts, so the default 16 MiB caps one object at ~156 GiB. Minimum 5 MiB.
   */
  partSize?: number;
};

const MIB = 1024 * 1024;
/** S3 DeleteObjects accepts at most 1000 keys per request. */
const DELETE_BATCH = 1000;
const MISSING_CODES = new Set(["NoSuchKey", "NotFound"]);
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"]);

type S3ErrorLike = Error & { code?: string; errors?: unknown[] };

const isMissing = (err: unknown) => MISSING_CODES.has((err as S3ErrorLike)?.code ?? "");

/**
 * Blob store on MinIO or any S3. Streams both ways: puts read the source a part at a time into a
 * multipart upload (the minio client's own streaming put sizes parts for 5 TiB, ~560 MiB each, and
 * hangs when the source stream errors), gets hand the HTTP response body straight through.
 */
export async function createS3BlobStore(opts: S3BlobStoreOptions): Promise<BlobStore> {
  const url = new URL(opts.endpoint);
  const useSSL = url.protocol === "https:";
  const region = opts.region ?? "us-east-1";
  const partSize = Math.max(opts.partSize ?? 16 * MIB, 5 * MIB);
  const agent = useSSL ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const client = new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: opts.accessKey,
    secretKey: opts.secretKey,
    region,
    pathStyle: true,
    transportAgent: agent,
    // The worker runner retries whole stages with backoff; the client's own retry only adds console noise.
    retryOptions: { disableRetry: true },
  });
  const { bucket } = opts;

  /** Network failures and 5xx become SERVICE_UNAVAILABLE, which the runner retries and the gateway maps to 503. */
  const unreachable = (err: unknown): unknown => {
    const e = err as S3ErrorLike;
    const codes = [e?.code, ...(e?.errors ?? []).map((x) => (x as S3ErrorLike)?.code)];
    const down = codes.some((c) => c && NETWORK_CODES.has(c)) || /^Request failed after \d+ retries/.test(e?.message ?? "");
    return down ? new RetryableError("SERVICE_UNAVAILABLE", `S3 at ${opts.endpoint} is unreachable: ${e.message || e.code}`, { cause: err }) : err;
  };
  const guard = async <T>(op: () => Promise<T>): Promise<T> => {
    try {
      return await op();
    } catch (err) {
      throw unreachable(err);
    }
  };

  const putStream = async (key: string, body: ReadableStream<Uint8Array>, headers: Record<string, string>) => {
    const reader = body.getReader();
    let ended = false;
    // The caller's stream failing (a client that went away) is not S3 being down: rethrow it as is.
    let sourceError: unknown;
    /** Reads until a part is full or the source ends; a part may overshoot by one source chunk. */
    const readPart = async (): Promise<Buffer> => {
      const chunks: Uint8Array[] = [];
      let size = 0;
      while (size < partSize) {
        const { done, value } = await reader.read().catch((err: unknown) => {
          sourceError = err;
          throw err;
        });
        if (done) {
          ended = true;
          break;
        }
        chunks.push(value);
        size += value.byteLength;
      }
      return Buffer.concat(chunks, size);
    };

    let uploadId: string | undefined;
    try {
      let part = await readPart();
      if (ended) {
        await client.putObject(bucket, key, part, part.length, headers);
        return part.length;
      }
      uploadId = await client.initiateNewMultipartUpload(bucket, key, headers);
      const etags: { part: number; etag: string }[] = [];
      let total = 0;
      for (let n = 1; part.length > 0; n++) {
        // Read the next part while this one uploads: at most two parts in memory. Both settle
        // before any abort, so no part upload is still in flight when the upload is aborted.
        const [uploaded, next] = await Promise.allSettled([
          client.uploadPart({ bucketName: bucket, objectName: key, uploadID: uploadId, partNumber: n, headers: {} }, part),
          ended ? Buffer.alloc(0) : readPart(),
        ]);
        if (next.status === "rejected") throw next.reason;
        if (uploaded.status === "rejected") throw uploaded.reason;
        etags.push({ part: n, etag: uploaded.value.etag });
        total += part.length;
        part = next.value;
      }
      await client.completeMultipartUpload(bucket, key, uploadId, etags);
      return total;
    } catch (err) {
      await reader.cancel(err).catch(() => undefined);
      // Leave no orphaned parts behind; a failure here only costs storage until a lifecycle rule.
      if (uploadId) await client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
      throw err === sourceError ? err : unreachable(err);
    }
  };

  const list = (prefix: string) =>
    guard(async () => {
      const found: BlobInfo[] = [];
      for await (const o of client.listObjectsV2(bucket, prefix, true)) {
        if (o.name !== undefined) found.push({ key: o.name, size: o.size });
      }
      return found;
    });

  const stat = (key: string) =>
    guard(async () => {
      try {
        const s = await client.statObject(bucket, key);
        return { key, size: s.size };
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    });

  const open = (key: string) =>
    guard(async () => {
      try {
        return await client.getObject(bucket, key);
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    });

  await guard(async () => {
    if (await client.bucketExists(bucket)) return;
    try {
      await client.makeBucket(bucket, region);
    } catch (err) {
      // Another replica created it first.
      if ((err as S3ErrorLike).code !== "BucketAlreadyOwnedByYou") throw err;
    }
  });

  return {
    async put(key, body, meta) {
      const headers = { "Content-Type": meta?.contentType ?? "application/octet-stream" };
      if (!(body instanceof Uint8Array)) return { key, size: await putStream(key, body, headers) };
      const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      await guard(() => client.putObject(bucket, key, buf, buf.length, headers));
      return { key, size: buf.length };
    },
    async get(key) {
      const r = await open(key);
      // A dropped connection mid-body errors the web stream rather than ending it short.
      return r && (Readable.toWeb(r) as NodeWebStream<Uint8Array> as ReadableStream<Uint8Array>);
    },
    async getBytes(key) {
      const r = await open(key);
      if (!r) return null;
      const chunks = await guard(() => r.toArray() as Promise<Buffer[]>);
      const b = Buffer.concat(chunks);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    },
    stat,
    async delete(key) {
      // S3 deletes of missing keys succeed silently, so ask first to answer false like the other adapters.
      if (!(await stat(key))) return false;
      await guard(() => client.removeObject(bucket, key));
      return true;
    },
    list,
    async deletePrefix(prefix) {
      const found = await list(prefix);
      for (let i = 0; i < found.length; i += DELETE_BATCH) {
        const batch = found.slice(i, i + DELETE_BATCH).map((b) => b.key);
        // Quiet mode: the reply lists only the keys that failed.
        const failed = (await guard(() => client.removeObjects(bucket, batch))).filter(Boolean);
        if (failed.length) {
          const first = JSON.stringify(failed[0]);
          throw new Error(`S3 refused to delete ${failed.length} of ${batch.length} objects under "${prefix}", first: ${first}`);
        }
      }
      return found.length;
    },
    async close() {
      agent.destroy();
    },
  };
}
