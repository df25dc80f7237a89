import { createHash } from "node:crypto";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { Objm, setSha256Backend, type ObjectInfo, type ObjectStore } from "@nats-io/obj";
import type { NatsConnection } from "@nats-io/transport-node";
import type { BlobInfo, BlobStore } from "../ports.ts";
import { ensureBucketStream } from "./bucket-stream.ts";

/** Chunks fetched per direct-get request (the client's default chunk is 128 KiB: 4 MiB a request). */
const CHUNKS_PER_REQUEST = 32;

/**
 * An object's content read with batched direct gets of its chunk subject, checked against its
 * SHA-256. nats.js's own `get` reads through a push consumer that it leaves on the server for
 * 5 minutes after every read: server memory, and a stream's consumer limit, grow with the read rate.
 * Direct gets need no consumer (the bucket streams allow them; batches need nats-server 2.11+).
 */
function readObject(jsm: JetStreamManager, stream: string, bucket: string, info: ObjectInfo): ReadableStream<Uint8Array> {
  const subject = `$O.${bucket}.C.${info.nuid}`;
  const sha = createHash("sha256");
  let seq = 1;
  let chunks = 0;
  let bytes = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (info.chunks === 0 && info.size === 0) return controller.close();
      let got = 0;
      try {
        const batch = await jsm.direct.getBatch(stream, { seq, next_by_subj: subject, batch: Math.min(CHUNKS_PER_REQUEST, info.chunks - chunks) });
        for await (const m of batch) {
          got++;
          seq = m.seq + 1;
          chunks++;
          bytes += m.data.length;
          sha.update(m.data);
          if (m.data.length > 0) controller.enqueue(m.data);
        }
      } catch (err) {
        if (!/not found/i.test(String((err as Error)?.message))) throw err; // none left: checked below
      }
      if (chunks < info.chunks && got > 0) return; // more to come on the next pull
      const digest = `SHA-256=${sha.digest("base64url")}`;
      if (chunks !== info.chunks || bytes !== info.size) {
        controller.error(new Error(`object ${info.name} is truncated: ${bytes} of ${info.size} bytes in ${chunks} of ${info.chunks} chunks`));
      } else if (digest.replace(/=+$/, "") !== info.digest.replace(/=+$/, "")) {
        controller.error(new Error(`object ${info.name} is corrupt: digest ${digest}, expected ${info.digest}`));
      } else {
        controller.close();
      }
    },
  }, { highWaterMark: 0 });
}

/** Blob store on NATS Object Store: the embedded default. Objects are chunked, streamed both ways. */
export async function createNatsObjectBlobStore(nc: NatsConnection, opts: { bucket?: string; replicas?: number } = {}): Promise<BlobStore> {
  // The client hashes every put in pure JavaScript by default (browser-safe): a seventh of the
  // ingest service's CPU per job in profiles. Node's native SHA-256 gives the same digest.
  setSha256Backend("native");
  const objm = new Objm(nc);
  const bucket = opts.bucket ?? "mp4t-blobs";
  const os: ObjectStore = await objm.create(bucket, { replicas: opts.replicas ?? 1 });
  await ensureBucketStream(nc, `OBJ_${bucket}`, opts.replicas);
  const jsm = await jetstreamManager(nc);
  const open = async (key: string) => {
    const info = await os.info(key);
    if (!info || info.deleted) return null;
    return readObject(jsm, `OBJ_${bucket}`, bucket, info);
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
    async getBytes(key) {
      const data = await open(key);
      return data && new Uint8Array(await new Response(data).arrayBuffer());
    },
    async stat(key) {
      const info = await os.info(key);
      return info && !info.deleted ? { key, size: info.size } : null;
    },
    async delete(key) {
      const info = await os.info(key);
      if (!info || info.deleted) return false;
      await os.delete(key);
      return true;
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
