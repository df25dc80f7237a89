import { open } from "node:fs/promises";
import { Readable } from "node:stream";
import type { z } from "zod";
import type { BlobInfo, BlobStore } from "./ports.ts";

/** `alloc`'s array for a blob of `size` bytes (see `BlobStore.getBytes`), checked to be exactly that long. */
export function sizedArray(alloc: (size: number) => Uint8Array, size: number): Uint8Array {
  const out = alloc(size);
  if (out.length !== size) throw new Error(`getBytes: alloc gave ${out.length} bytes for a blob of ${size}`);
  return out;
}

export async function putJson(blobs: BlobStore, key: string, value: unknown) {
  return blobs.put(key, new TextEncoder().encode(JSON.stringify(value)), { contentType: "application/json" });
}

export async function getJson<S extends z.ZodType>(blobs: BlobStore, key: string, schema: S): Promise<z.infer<S> | null> {
  const bytes = await blobs.getBytes(key);
  return bytes ? schema.parse(JSON.parse(new TextDecoder().decode(bytes))) : null;
}

/**
 * Streams a blob to a local file; resolves false if the blob does not exist. Each piece is written
 * as it arrives, with no Node stream adapter between the blob's web stream and the file (the file
 * store copies it in the kernel).
 */
export async function downloadToFile(blobs: BlobStore, key: string, path: string): Promise<boolean> {
  if (blobs.getFile) return blobs.getFile(key, path);
  const stream = await blobs.get(key);
  if (!stream) return false;
  const fh = await open(path, "w");
  try {
    for await (const piece of stream as AsyncIterable<Uint8Array>) {
      for (let at = 0; at < piece.length; ) at += (await fh.write(piece, at)).bytesWritten;
    }
  } finally {
    await fh.close();
  }
  return true;
}

/**
 * Streams a local file into the blob store without reading it into memory (the file store copies
 * it in the kernel). `move`: the file is the caller's to give away, and the file store renames it
 * into place when it is on the same disk (no copy at all); it may be gone afterwards.
 */
export async function uploadFile(blobs: BlobStore, key: string, path: string, contentType?: string, opts: { move?: boolean } = {}) {
  if (blobs.putFile) return blobs.putFile(key, path, opts);
  const { createReadStream } = await import("node:fs");
  // Reads of 256 KiB: two Object Store chunks each, a quarter of the stream hand-offs of the default 64 KiB.
  const body = Readable.toWeb(createReadStream(path, { highWaterMark: 256 * 1024 })) as ReadableStream<Uint8Array>;
  return blobs.put(key, body, contentType ? { contentType } : {});
}

/** The blob at `from` stored under `to` as well (linked by the file store, else streamed through); null if `from` is missing. */
export async function copyBlob(blobs: BlobStore, from: string, to: string): Promise<BlobInfo | null> {
  if (blobs.copy) return blobs.copy(from, to);
  const stream = await blobs.get(from);
  return stream ? blobs.put(to, stream) : null;
}
