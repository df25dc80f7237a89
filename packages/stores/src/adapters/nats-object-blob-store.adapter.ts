import { createHash, type Hash } from "node:crypto";
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { Base64UrlPaddedCodec, Objm, setSha256Backend, type ObjectInfo, type ObjectStore } from "@nats-io/obj";
import { headers } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/transport-node";
import type { BlobInfo, BlobStore } from "../ports.ts";
import { sizedArray } from "../blob-helpers.ts";
import { createBucket, ensureBucketStream } from "./bucket-stream.ts";

/** Chunks fetched per direct-get request (the client's default chunk is 128 KiB: 4 MiB a request). */
const CHUNKS_PER_REQUEST = 32;
/** Object metadata entries fetched per batched direct get when several objects are deleted. */
const INFOS_PER_REQUEST = 256;

/**
 * An object's content read with batched direct gets of its chunk subject, checked against its
 * SHA-256. nats.js's own `get` reads through a push consumer that it leaves on the server for
 * 5 minutes after every read: server memory, and a stream's consumer limit, grow with the read rate.
 * Direct gets need no consumer (the bucket streams allow them; batches need nats-server 2.11+).
 */
/** What an object's metadata entry holds (the fields this adapter uses). */
type StoredInfo = Pick<ObjectInfo, "name" | "nuid" | "size" | "chunks" | "digest" | "deleted">;

/** What is wrong with a read that ended: too few chunks or bytes, or a digest that differs. */
function damaged(info: StoredInfo, chunks: number, bytes: number, sha: Hash): Error | null {
  if (chunks !== info.chunks || bytes !== info.size) {
    return new Error(`object ${info.name} is truncated: ${bytes} of ${info.size} bytes in ${chunks} of ${info.chunks} chunks`);
  }
  const digest = `SHA-256=${sha.digest("base64url")}`;
  return digest.replace(/=+$/, "") === info.digest.replace(/=+$/, "")
    ? null
    : new Error(`object ${info.name} is corrupt: digest ${digest}, expected ${info.digest}`);
}

/**
 * One batched direct get of an object's next chunks (at most `want`, from `at.seq`, which moves
 * past them), each handed to `take`; resolves how many came. Past the last chunk the server
 * answers "not found": none came, and the caller checks what it has.
 */
async function nextChunks(jsm: JetStreamManager, stream: string, subject: string, at: { seq: number }, want: number, take: (data: Uint8Array) => void) {
  let got = 0;
  try {
    const batch = await jsm.direct.getBatch(stream, { seq: at.seq, next_by_subj: subject, batch: Math.min(CHUNKS_PER_REQUEST, want) });
    for await (const m of batch) {
      got++;
      at.seq = m.seq + 1;
      take(m.data);
    }
  } catch (err) {
    if (!/not found/i.test(String((err as Error)?.message))) throw err;
  }
  return got;
}

function readObject(jsm: JetStreamManager, stream: string, bucket: string, info: StoredInfo): ReadableStream<Uint8Array> {
  const subject = `$O.${bucket}.C.${info.nuid}`;
  const sha = createHash("sha256");
  const at = { seq: 1 };
  let chunks = 0;
  let bytes = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (info.chunks === 0 && info.size === 0) return controller.close();
        const got = await nextChunks(jsm, stream, subject, at, info.chunks - chunks, (data) => {
          chunks++;
          bytes += data.length;
          sha.update(data);
          if (data.length > 0) controller.enqueue(data);
        });
        if (chunks < info.chunks && got > 0) return; // more to come on the next pull
        const damage = damaged(info, chunks, bytes, sha);
        if (damage) controller.error(damage);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * An object's content whole, read as `readObject` reads it but copied straight into one buffer of
 * the object's size: no web stream and no second copy (the transcriber's chunks, the diarizer's
 * audio and results, the enhancer's transcript are read this way).
 */
async function readObjectBytes(
  jsm: JetStreamManager,
  stream: string,
  bucket: string,
  info: StoredInfo,
  alloc: (size: number) => Uint8Array = (n) => new Uint8Array(n),
): Promise<Uint8Array> {
  const subject = `$O.${bucket}.C.${info.nuid}`;
  const out = sizedArray(alloc, info.size);
  const sha = createHash("sha256");
  const at = { seq: 1 };
  let chunks = 0;
  let bytes = 0;
  while (chunks < info.chunks) {
    const got = await nextChunks(jsm, stream, subject, at, info.chunks - chunks, (data) => {
      if (bytes + data.length > info.size) throw new Error(`object ${info.name} is corrupt: more than its ${info.size} bytes`);
      out.set(data, bytes);
      bytes += data.length;
      chunks++;
      sha.update(data);
    });
    if (got === 0) break; // none left: checked below
  }
  const damage = damaged(info, chunks, bytes, sha);
  if (damage) throw damage;
  return out;
}

/** Blob store on NATS Object Store: the embedded default. Objects are chunked, streamed both ways. */
export async function createNatsObjectBlobStore(nc: NatsConnection, opts: { bucket?: string; replicas?: number } = {}): Promise<BlobStore> {
  // The client hashes every put in pure JavaScript by default (browser-safe): a seventh of the
  // ingest service's CPU per job in profiles. Node's native SHA-256 gives the same digest.
  setSha256Backend("native");
  const objm = new Objm(nc);
  const bucket = opts.bucket ?? "mp4t-blobs";
  const os: ObjectStore = await createBucket(() => objm.create(bucket, { replicas: opts.replicas ?? 1 }));
  await ensureBucketStream(nc, `OBJ_${bucket}`, opts.replicas);
  const jsm = await jetstreamManager(nc);
  const stream = `OBJ_${bucket}`;
  const js = jetstream(nc);
  const metaSubject = (key: string) => `$O.${bucket}.M.${Base64UrlPaddedCodec.encode(key)}`;
  /**
   * An object's metadata by direct get: the client's `info` goes through the JetStream API
   * (`STREAM.MSG.GET`), and a get, stat or delete each made one or two of those.
   */
  const info = async (key: string): Promise<(StoredInfo & Record<string, unknown>) | null> => {
    const m = await jsm.direct.getMessage(stream, { last_by_subj: metaSubject(key) }).catch((err: unknown) => {
      if (/not found|no message/i.test(String((err as Error)?.message))) return null;
      throw err;
    });
    if (!m) return null;
    const meta = m.json<StoredInfo & Record<string, unknown>>();
    return meta.deleted ? null : meta;
  };
  /** Several objects' metadata with one batched direct get (`multi_last`), not one request each. */
  const infos = async (keys: string[]): Promise<Map<string, StoredInfo & Record<string, unknown>>> => {
    const out = new Map<string, StoredInfo & Record<string, unknown>>();
    for (let i = 0; i < keys.length; i += INFOS_PER_REQUEST) {
      const subjects = keys.slice(i, i + INFOS_PER_REQUEST).map(metaSubject);
      try {
        for await (const m of await jsm.direct.getLastMessagesFor(stream, { multi_last: subjects, batch: subjects.length })) {
          const meta = m.json<StoredInfo & Record<string, unknown>>();
          if (!meta.deleted) out.set(meta.name, meta);
        }
      } catch (err) {
        if (!/no results|not found/i.test(String((err as Error)?.message))) throw err;
      }
    }
    return out;
  };
  /**
   * What the client's delete does, without looking the object up a second time: a deleted marker
   * replaces the metadata (rollup), then the chunks are purged.
   */
  const remove = async (key: string, found: StoredInfo) => {
    const h = headers();
    h.set("Nats-Rollup", "sub");
    await js.publish(metaSubject(key), JSON.stringify({ ...found, deleted: true, size: 0, chunks: 0, digest: "" }), { headers: h });
    await jsm.streams.purge(stream, { filter: `$O.${bucket}.C.${found.nuid}` });
  };
  const open = async (key: string) => {
    const found = await info(key);
    return found && readObject(jsm, stream, bucket, found);
  };

  const list = async (prefix: string): Promise<BlobInfo[]> =>
    (await os.list()).filter((o) => !o.deleted && o.name.startsWith(prefix)).map((o) => ({ key: o.name, size: o.size }));

  return {
    async put(key, body, meta) {
      const m = { name: key, ...(meta?.contentType ? { description: meta.contentType } : {}) };
      const info = body instanceof Uint8Array ? await os.putBlob(m, body) : await os.put(m, body);
      return { key, size: info.size };
    },
    // A corrupt or truncated object is a stream error, never silently short data.
    get: open,
    async getBytes(key, alloc) {
      const found = await info(key);
      return found && readObjectBytes(jsm, stream, bucket, found, alloc);
    },
    async stat(key) {
      const found = await info(key);
      return found && { key, size: found.size };
    },
    async delete(key) {
      const found = await info(key);
      if (!found) return false;
      await remove(key, found);
      return true;
    },
    async deleteMany(keys) {
      const found = await infos(keys);
      await Promise.all([...found].map(([key, meta]) => remove(key, meta)));
      return found.size;
    },
    list,
    async deletePrefix(prefix) {
      const found = await list(prefix);
      for (const b of found) await os.delete(b.key);
      return found.length;
    },
    async close() {},
  };
}
