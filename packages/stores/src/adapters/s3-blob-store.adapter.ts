import { AsyncLocalStorage } from "node:async_hooks";
import * as http from "node:http";
import * as https from "node:https";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { RetryableError } from "@mp4t/contracts";
import { Client, type ClientOptions } from "minio";
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
  /**
   * Time limit per S3 request, default 30 s: a connection with no bytes moving for this long is
   * dropped (uploads and downloads may run longer as long as data flows), and a request that
   * carries no object data (stat, list, delete, the start of a get) must finish within it.
   */
  timeoutMs?: number;
};

const MIB = 1024 * 1024;
/** S3 DeleteObjects accepts at most 1000 keys per request. */
const DELETE_BATCH = 1000;
const MISSING_CODES = new Set(["NoSuchKey", "NotFound"]);
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"]);

type S3ErrorLike = Error & { code?: string; errors?: unknown[] };

const isMissing = (err: unknown) => MISSING_CODES.has((err as S3ErrorLike)?.code ?? "");
/** Coded ETIMEDOUT, so it maps to SERVICE_UNAVAILABLE like a refused connection. */
const timedOut = (message: string) => Object.assign(new Error(message), { code: "ETIMEDOUT" });

/** The deadline of the bounded operation running in this async context, read by the transport. */
const deadlines = new AsyncLocalStorage<AbortSignal>();

/**
 * node:http(s) request with the time limits the minio client has no option for (minio-js#722).
 * Watches the socket itself: a request's own "timeout" event fires only once per request.
 */
function limitedTransport(base: typeof http | typeof https, idleMs: number): NonNullable<ClientOptions["transport"]> {
  const request = (opts: http.RequestOptions, cb?: (res: http.IncomingMessage) => void) => {
    const signal = deadlines.getStore();
    const req = base.request(signal ? { ...opts, signal } : opts, cb);
    let res: http.IncomingMessage | undefined;
    req.once("response", (r: http.IncomingMessage) => (res = r));
    req.on("socket", (socket) => {
      let closed = false;
      const onIdle = () => {
        // Body bytes waiting, or a paused body: our reader is holding back the download, not S3.
        if (res && (res.readableLength > 0 || res.isPaused())) socket.setTimeout(idleMs);
        else (res ?? req).destroy(timedOut(`no data moved for ${idleMs} ms`)); // res: the body's reader sees why
      };
      // Our side reading again after holding the body back: S3 gets a whole idle window from now,
      // not what was left of one that ran out while we held back (a slow reader resuming just
      // before the timer fires would otherwise fail a healthy download).
      const restart = () => void (closed || socket.setTimeout(idleMs));
      socket.setTimeout(idleMs);
      socket.on("timeout", onIdle);
      socket.on("resume", restart); // the HTTP parser resumes the socket once the body drains
      req.once("response", (r: http.IncomingMessage) => r.on("resume", restart)); // the body's reader resumes
      req.once("close", () => {
        closed = true;
        socket.off("timeout", onIdle);
        socket.off("resume", restart);
      });
    });
    return req;
  };
  return { request: request as typeof http.request };
}

/**
 * Blob store on any S3-compatible store. Streams both ways: puts read the source a part at a time into a
 * multipart upload (the minio client's own streaming put sizes parts for 5 TiB, ~560 MiB each, and
 * hangs when the source stream errors), gets hand the HTTP response body straight through.
 */
export async function createS3BlobStore(opts: S3BlobStoreOptions): Promise<BlobStore> {
  const url = new URL(opts.endpoint);
  const useSSL = url.protocol === "https:";
  const region = opts.region ?? "us-east-1";
  const partSize = Math.max(opts.partSize ?? 16 * MIB, 5 * MIB);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const agent = useSSL ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const client = new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: opts.accessKey,
    secretKey: opts.secretKey,
    region,
    pathStyle: true,
    transport: limitedTransport(useSSL ? https : http, timeoutMs),
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
  /** Runs op with a deadline: its requests are aborted, and it fails, once timeoutMs has passed. */
  const bounded = async <T>(op: () => Promise<T>): Promise<T> => {
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = timedOut(`no answer within ${timeoutMs} ms`);
        ac.abort(err);
        reject(err);
      }, timeoutMs);
    });
    try {
      // The race settles even if some step of op holds no request the abort could end.
      return await Promise.race([deadlines.run(ac.signal, op), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
  /** Maps failures to SERVICE_UNAVAILABLE; bounded unless it moves object data (only the idle limit applies then). */
  const guard = async <T>(op: () => Promise<T>, deadline = true): Promise<T> => {
    try {
      return await (deadline ? bounded(op) : op());
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
      uploadId = await bounded(() => client.initiateNewMultipartUpload(bucket, key, headers));
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
      if (uploadId) await bounded(() => client.abortMultipartUpload(bucket, key, uploadId!)).catch(() => undefined);
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
  }).catch((err: unknown) => {
    agent.destroy(); // a store that fails to start keeps no sockets open
    throw err;
  });

  return {
    async put(key, body, meta) {
      const headers = { "Content-Type": meta?.contentType ?? "application/octet-stream" };
      if (!(body instanceof Uint8Array)) return { key, size: await putStream(key, body, headers) };
      const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      await guard(() => client.putObject(bucket, key, buf, buf.length, headers), false);
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
      const chunks = await guard(() => r.toArray() as Promise<Buffer[]>, false);
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
    async deleteMany(keys) {
      const found = (await Promise.all(keys.map(async (k) => ((await stat(k)) ? k : null)))).filter((k): k is string => k !== null);
      for (let i = 0; i < found.length; i += DELETE_BATCH) {
        const batch = found.slice(i, i + DELETE_BATCH);
        const failed = (await guard(() => client.removeObjects(bucket, batch))).filter(Boolean);
        if (failed.length) throw new Error(`S3 refused to delete ${failed.length} of ${batch.length} objects, first: ${JSON.stringify(failed[0])}`);
      }
      return found.length;
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
