import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBlob, downloadToFile, uploadFile } from "../blob-helpers.ts";
import type { BlobStore } from "../ports.ts";

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) % 251);
const streamOf = (data: Uint8Array, pieces: number) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      const step = Math.ceil(data.length / pieces);
      for (let i = 0; i < data.length; i += step) c.enqueue(data.slice(i, i + step));
      c.close();
    },
  });
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const readAll = async (s: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(s).arrayBuffer());

/**
 * Every BlobStore adapter must pass this suite. `make` returns a fresh, empty store. `readsInto`:
 * the store knows a blob's size before its bytes, so `getBytes` reads into the array its `alloc` gives.
 */
export function blobStoreConformance(name: string, make: () => Promise<{ store: BlobStore; cleanup(): Promise<void> }>, { readsInto }: { readsInto: boolean }) {
  describe(`BlobStore conformance: ${name}`, () => {
    const withStore = async (fn: (s: BlobStore) => Promise<void>) => {
      const { store, cleanup } = await make();
      try {
        await fn(store);
      } finally {
        await cleanup();
      }
    };

    it("round-trips bytes and a multi-megabyte stream exactly", () =>
      withStore(async (s) => {
        const small = bytes(1000);
        expect(await s.put("a/small", small)).toEqual({ key: "a/small", size: 1000 });
        expect(await s.getBytes("a/small")).toEqual(small);
        const big = bytes(3 * 1024 * 1024 + 17);
        expect((await s.put("a/big", streamOf(big, 50))).size).toBe(big.length);
        expect(sha(await readAll((await s.get("a/big"))!))).toBe(sha(big)); // hashes: deep-equal of MBs is slow
        expect(await s.stat("a/big")).toEqual({ key: "a/big", size: big.length });
      }));

    it("stores a local file and writes a blob back to one (uploadFile, downloadToFile), answering false for a missing blob", () =>
      withStore(async (s) => {
        const dir = await mkdtemp(join(tmpdir(), "mp4t-blob-files-"));
        try {
          const data = bytes(1024 * 1024 + 3);
          await writeFile(join(dir, "in"), data, { mode: 0o644 });
          expect(await uploadFile(s, "f/copied", join(dir, "in"), "audio/wav")).toEqual({ key: "f/copied", size: data.length });
          expect(sha((await s.getBytes("f/copied"))!)).toBe(sha(data));
          await writeFile(join(dir, "in"), bytes(5)); // the blob is a copy: the file changing later does not change it
          expect((await s.stat("f/copied"))!.size).toBe(data.length);
          expect(await downloadToFile(s, "f/copied", join(dir, "out"))).toBe(true);
          expect(sha(await readFile(join(dir, "out")))).toBe(sha(data));
          expect(await downloadToFile(s, "f/missing", join(dir, "none"))).toBe(false);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }));

    it("stores a file given away (uploadFile with move) whole, and the blob does not follow the path afterwards", () =>
      withStore(async (s) => {
        const dir = await mkdtemp(join(tmpdir(), "mp4t-blob-move-"));
        try {
          const data = bytes(700_001);
          await writeFile(join(dir, "audio.wav"), data, { mode: 0o644 });
          expect(await uploadFile(s, "m/audio", join(dir, "audio.wav"), "audio/wav", { move: true })).toEqual({ key: "m/audio", size: data.length });
          await writeFile(join(dir, "audio.wav"), bytes(9)); // a new file at the old path (moved or not) is not the blob
          expect(sha((await s.getBytes("m/audio"))!)).toBe(sha(data));
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }));

    it("reads a blob whole into the array its alloc gives when the store knows the size first, the bytes exact either way", () =>
      withStore(async (s) => {
        const data = bytes(300_001);
        await s.put("r/audio", data);
        const spare = new Uint8Array(1_000_000).fill(9);
        const asked: number[] = [];
        const got = (await s.getBytes("r/audio", (n) => (asked.push(n), spare.subarray(0, n))))!;
        expect(sha(got)).toBe(sha(data));
        expect(await s.getBytes("r/none", () => spare)).toBeNull();
        if (readsInto) {
          expect(asked).toEqual([data.length]);
          expect(got.buffer).toBe(spare.buffer); // that very array, not a copy
          await expect(s.getBytes("r/audio", () => new Uint8Array(10))).rejects.toThrow(/alloc gave 10 bytes for a blob of 300001/);
        } else {
          expect(asked).toEqual([]); // S3 learns the size only as the body arrives: its own array
        }
      }));

    it("copies a blob under a second key (copyBlob): the two independent after, null for a missing source", () =>
      withStore(async (s) => {
        const data = bytes(400_003);
        await s.put("c/audio", data);
        expect(await copyBlob(s, "c/audio", "c/chunk")).toEqual({ key: "c/chunk", size: data.length });
        expect(sha((await s.getBytes("c/chunk"))!)).toBe(sha(data));
        await s.put("c/audio", bytes(10)); // overwriting one leaves the other
        expect(sha((await s.getBytes("c/chunk"))!)).toBe(sha(data));
        expect(await s.delete("c/chunk")).toBe(true); // deleting one leaves the other
        expect((await s.getBytes("c/audio"))!.length).toBe(10);
        await copyBlob(s, "c/audio", "c/again");
        await s.put("c/again", bytes(20)); // overwriting the copy leaves the original
        expect((await s.getBytes("c/audio"))!.length).toBe(10);
        expect(await copyBlob(s, "c/none", "c/other")).toBeNull();
        expect(await s.stat("c/other")).toBeNull();
      }));

    it("is done with a put's bytes when the put resolves: the caller may reuse them", () =>
      withStore(async (s) => {
        const scratch = bytes(300_000);
        const first = scratch.slice();
        await s.put("r/first", scratch);
        scratch.fill(1); // the next chunk cut into the same buffer
        await s.put("r/second", scratch);
        expect(sha((await s.getBytes("r/first"))!)).toBe(sha(first));
        expect(sha((await s.getBytes("r/second"))!)).toBe(sha(new Uint8Array(300_000).fill(1)));
      }));

    it("answers null for missing blobs and false for deleting them", () =>
      withStore(async (s) => {
        expect(await s.get("nope")).toBeNull();
        expect(await s.getBytes("nope")).toBeNull();
        expect(await s.stat("nope")).toBeNull();
        expect(await s.delete("nope")).toBe(false);
      }));

    it("overwrites a key", () =>
      withStore(async (s) => {
        await s.put("k", bytes(10));
        await s.put("k", bytes(3));
        expect(await s.getBytes("k")).toEqual(bytes(3));
      }));

    it("lists and deletes by prefix without touching other keys", () =>
      withStore(async (s) => {
        await s.put("jobs/1/a", bytes(1));
        await s.put("jobs/1/b/c", bytes(2));
        await s.put("jobs/2/a", bytes(3));
        expect((await s.list("jobs/1/")).map((b) => b.key).sort()).toEqual(["jobs/1/a", "jobs/1/b/c"]);
        expect(await s.deletePrefix("jobs/1/")).toBe(2);
        expect(await s.list("jobs/1/")).toEqual([]);
        expect(await s.delete("jobs/2/a")).toBe(true);
        expect(await s.stat("jobs/2/a")).toBeNull();
      }));

    it("deletes a list of keys at once, skipping missing ones", () =>
      withStore(async (s) => {
        await s.put("many/a", bytes(5));
        await s.put("many/b", bytes(300_000)); // more than one chunk on NATS
        await s.put("many/c", bytes(1));
        expect(await s.deleteMany(["many/a", "many/b", "many/missing"])).toBe(2);
        expect(await s.stat("many/a")).toBeNull();
        expect(await s.stat("many/b")).toBeNull();
        expect(await s.getBytes("many/c")).toEqual(bytes(1));
        expect(await s.deleteMany(["many/a"])).toBe(0);
        expect(await s.deleteMany([])).toBe(0);
      }));

    it("rejects a put whose source stream fails, and stores nothing under that key", () =>
      withStore(async (s) => {
        const failing = new ReadableStream<Uint8Array>({
          pull(c) {
            c.error(new Error("client went away"));
          },
        });
        await expect(s.put("broken", failing)).rejects.toThrow();
        expect(await s.stat("broken")).toBeNull();
      }));
  });
}
