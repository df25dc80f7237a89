import { Objm, type ObjectStore } from "@nats-io/obj";
import type { NatsConnection } from "@nats-io/transport-node";
import type { BlobInfo, BlobStore } from "../ports.ts";
import { ensureBucketStream } from "./bucket-stream.ts";

/** Blob store on NATS Object Store: the embedded default. Objects are chunked, streamed both ways. */
export async function createNatsObjectBlobStore(nc: NatsConnection, opts: { bucket?: string; replicas?: number } = {}): Promise<BlobStore> {
  const objm = new Objm(nc);
  const bucket = opts.bucket ?? "mp4t-blobs";
  const os: ObjectStore = await objm.create(bucket, { replicas: opts.replicas ?? 1 });
  await ensureBucketStream(nc, `OBJ_${bucket}`, opts.replicas);

  const list = async (prefix: string): Promise<BlobInfo[]> =>
    (await os.list()).filter((o) => !o.deleted && o.name.startsWith(prefix)).map((o) => ({ key: o.name, size: o.size }));

  return {
    async put(key, body, meta) {
      const m = { name: key, ...(meta?.contentType ? { description: meta.contentType } : {}) };
      const info = body instanceof Uint8Array ? await os.putBlob(m, body) : await os.put(m, body);
      return { key, size: info.size };
    },
    async get(key) {
      const r = await os.get(key);
      if (!r) return null;
      // Surface a corrupt or truncated object as a stream error rather than silently short data.
      void r.error.then((e) => e && r.data.cancel(e).catch(() => undefined));
      return r.data;
    },
    async getBytes(key) {
      const b = await os.getBlob(key);
      return b && new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
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
