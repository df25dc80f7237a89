import { mkdtemp, readdir, rm, stat, statfs, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blobStoreConformance } from "@mp4t/stores/conformance";
import { mountSmallDisk } from "@mp4t/testing";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createFileBlobStore } from "../src/index.ts";

const tempDir = () => mkdtemp(join(tmpdir(), "mp4t-blobs-"));

blobStoreConformance(
  "local directory",
  async () => {
    const dir = await tempDir();
    const store = await createFileBlobStore({ dir });
    return { store, cleanup: () => rm(dir, { recursive: true, force: true }) };
  },
  { readsInto: true },
);

/** Every file and directory under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe("file blob store: what reaches the disk", () => {
  it("refuses keys that could leave its directory or name a hidden file, before touching the disk", async () => {
    const parent = await tempDir();
    const dir = join(parent, "blobs");
    const s = await createFileBlobStore({ dir });
    const bad = [
      "../escape",
      "jobs/../../escape",
      "/etc/passwd",
      "jobs//x",
      "jobs/.tmp/x",
      ".tmp/x",
      "jobs/x/",
      "",
      "a\\b",
      "jobs/x\0y",
      "jobs/ä",
      `${"a/".repeat(9)}x`,
    ];
    for (const key of bad) {
      await expect(s.put(key, new Uint8Array(1)), key).rejects.toThrow(/not a valid key/);
      await expect(s.get(key), key).rejects.toThrow(/not a valid key/);
      await expect(s.getBytes(key), key).rejects.toThrow(/not a valid key/);
      await expect(s.stat(key), key).rejects.toThrow(/not a valid key/);
      await expect(s.delete(key), key).rejects.toThrow(/not a valid key/);
    }
    await expect(s.list("../")).rejects.toThrow(/not a valid prefix/);
    await expect(s.deletePrefix("jobs/../")).rejects.toThrow(/not a valid prefix/);
    expect(await tree(parent)).toEqual(["blobs", "blobs/.tmp"]);
    await rm(parent, { recursive: true, force: true });
  });

  it("keeps blobs readable by the owner only, and removes a job's directories with its last blob", async () => {
    const dir = await tempDir();
    const s = await createFileBlobStore({ dir });
    await s.put("jobs/j1/chunks/0.wav", new Uint8Array(10));
    const source = join(await tempDir(), "upload");
    await writeFile(source, new Uint8Array(5), { mode: 0o644 });
    await s.putFile!("jobs/j1/upload", source); // a copy of a world-readable file is the owner's only too
    expect((await stat(join(dir, "jobs/j1/upload"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "jobs/j1/chunks/0.wav"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "jobs/j1/chunks"))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, ".tmp"))).mode & 0o777).toBe(0o700);
    // Moved in (same disk: renamed, no copy) and linked under a second key: the owner's only too.
    const moved = join(await tempDir(), "audio.wav");
    await writeFile(moved, new Uint8Array(7), { mode: 0o644 });
    await s.putFile!("jobs/j1/audio.wav", moved, { move: true });
    expect(existsSync(moved)).toBe(false); // renamed into place: /tmp and this store share a disk here
    expect((await stat(join(dir, "jobs/j1/audio.wav"))).mode & 0o777).toBe(0o600);
    await s.copy!("jobs/j1/audio.wav", "jobs/j1/chunks/1.wav");
    expect((await stat(join(dir, "jobs/j1/chunks/1.wav"))).nlink).toBe(2); // one file, two names
    expect(await s.deletePrefix("jobs/j1/")).toBe(4);
    expect(await tree(dir)).toEqual([".tmp"]);
    // The same through a path with a trailing slash.
    const t = await createFileBlobStore({ dir: `${dir}/` });
    await t.put("jobs/j2/upload", new Uint8Array(1));
    expect(await t.delete("jobs/j2/upload")).toBe(true);
    expect(await tree(dir)).toEqual([".tmp"]);
    await rm(dir, { recursive: true, force: true });
  });

  it("deletes many blobs at once: their emptied directories go, a directory still holding a blob stays, a missing key counts none", async () => {
    const dir = await tempDir();
    const s = await createFileBlobStore({ dir });
    const chunks = ["0.wav", "0.json", "1.wav", "1.json"].map((n) => `jobs/j1/chunks/${n}`);
    for (const key of [...chunks, "jobs/j1/audio.wav", "jobs/j2/chunks/0.wav"]) await s.put(key, new Uint8Array(3));
    expect(await s.deleteMany([...chunks, "jobs/j1/chunks/9.wav", "jobs/j2/chunks/0.wav"])).toBe(5);
    expect(existsSync(join(dir, "jobs/j1/chunks"))).toBe(false);
    expect(existsSync(join(dir, "jobs/j2"))).toBe(false); // its job directory too: nothing else was in it
    expect(await s.getBytes("jobs/j1/audio.wav")).toEqual(new Uint8Array(3));
    // Directories at several depths: each emptied one goes, deeper ones first, whatever the order of the keys.
    const nested = ["jobs/j3/a/b/c/x", "jobs/j3/zz/y", "jobs/j3/a/z"];
    for (const key of nested) await s.put(key, new Uint8Array(1));
    expect(await s.deleteMany(nested)).toBe(3);
    expect(existsSync(join(dir, "jobs/j3"))).toBe(false);
    // A key that is not one fails the call, as it fails a delete of its own; the others are deleted and pruned.
    await expect(s.deleteMany(["jobs/j1/audio.wav", "jobs/../x"])).rejects.toThrow(/not a valid key/);
    expect(await s.stat("jobs/j1/audio.wav")).toBeNull();
    expect(await tree(dir)).toEqual([".tmp"]);
    // An unlink that fails (here a directory where a blob was asked for: EISDIR) fails the call the same way.
    for (const key of ["jobs/j4/d/x", "jobs/j5/y"]) await s.put(key, new Uint8Array(1));
    await expect(s.deleteMany(["jobs/j4/d", "jobs/j5/y"])).rejects.toMatchObject({ code: "EISDIR" });
    expect(existsSync(join(dir, "jobs/j5"))).toBe(false);
    expect(await s.stat("jobs/j4/d/x")).toEqual({ key: "jobs/j4/d/x", size: 1 });
    await rm(dir, { recursive: true, force: true });
  });

  it("a put whose source fails leaves no file behind, and a reader never sees a half-written blob", async () => {
    const dir = await tempDir();
    const s = await createFileBlobStore({ dir });
    await s.put("jobs/j/audio.wav", new Uint8Array(4).fill(1));
    let fail!: (err: Error) => void;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(1000).fill(2));
        fail = (err) => c.error(err);
      },
    });
    const put = s.put("jobs/j/audio.wav", body);
    await new Promise((r) => setTimeout(r, 50));
    // Mid-put, the key still holds the old blob whole.
    expect(await s.getBytes("jobs/j/audio.wav")).toEqual(new Uint8Array(4).fill(1));
    fail(new Error("client went away"));
    await expect(put).rejects.toThrow(/went away/);
    expect(await s.getBytes("jobs/j/audio.wav")).toEqual(new Uint8Array(4).fill(1));
    expect(await readdir(join(dir, ".tmp"))).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });

  it("reads and writes up to 4 MiB in the calling thread and larger ones in the pool, the same bytes either way", async () => {
    const dir = await tempDir();
    const s = await createFileBlobStore({ dir });
    /** Whether the call settled before the event loop's next turn (done in this thread), with its result. */
    const inline = async <T>(call: () => Promise<T>) => {
      let turned = false;
      setImmediate(() => (turned = true));
      const value = await call();
      return { inline: !turned, value };
    };
    const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + (i >> 12)) & 255);
    const small = bytes(4 * 1024 * 1024);
    const large = bytes(6 * 1024 * 1024 + 3);
    expect((await inline(() => s.put("jobs/j/small", small))).inline).toBe(true);
    expect((await inline(() => s.put("jobs/j/large", large))).inline).toBe(false);
    const smallRead = await inline(() => s.getBytes("jobs/j/small"));
    const largeRead = await inline(() => s.getBytes("jobs/j/large", (n) => new Uint8Array(n)));
    expect(smallRead.inline).toBe(true);
    expect(largeRead.inline).toBe(false);
    expect(Buffer.from(smallRead.value!).equals(Buffer.from(small))).toBe(true);
    expect(Buffer.from(largeRead.value!).equals(Buffer.from(large))).toBe(true);
    // A stream of the large one, in 256 KiB reads, gives it back whole.
    const streamed = Buffer.from(await new Response((await s.get("jobs/j/large"))!).arrayBuffer());
    expect(streamed.equals(Buffer.from(large))).toBe(true);
    // A streamed put mixes both: pieces up to 4 MiB inline, a larger piece in the pool.
    const pieces = [bytes(1000), large, bytes(70_000)];
    await s.put("jobs/j/mixed", ReadableStream.from(pieces));
    expect(Buffer.from((await s.getBytes("jobs/j/mixed"))!).equals(Buffer.concat(pieces))).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });

  it("removes writes in progress that a dead process left over an hour ago, and keeps recent ones", async () => {
    const dir = await tempDir();
    await createFileBlobStore({ dir });
    const [old, recent] = [join(dir, ".tmp", "old"), join(dir, ".tmp", "recent")];
    await writeFile(old, "x");
    await writeFile(recent, "y");
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(old, twoHoursAgo, twoHoursAgo);
    await createFileBlobStore({ dir });
    expect(await readdir(join(dir, ".tmp"))).toEqual(["recent"]);
    await rm(dir, { recursive: true, force: true });
  });

  it("does not follow what is not a blob: listings skip dot names, a directory is not a blob", async () => {
    const dir = await tempDir();
    const s = await createFileBlobStore({ dir });
    await s.put("jobs/j/transcript.json", new Uint8Array(3));
    await writeFile(join(dir, "jobs", ".hidden"), "x");
    await symlink("/etc", join(dir, "jobs", "etc"));
    expect((await s.list("jobs/")).map((b) => b.key)).toEqual(["jobs/j/transcript.json"]);
    expect(await s.stat("jobs/j")).toBeNull();
    await rm(dir, { recursive: true, force: true });
  });

  it("two processes' puts to one key: the last rename wins, whole", async () => {
    const dir = await tempDir();
    const [a, b] = [await createFileBlobStore({ dir }), await createFileBlobStore({ dir })];
    const big = (v: number) => new Uint8Array(1 << 20).fill(v);
    await Promise.all([a.put("jobs/k/x", big(1)), b.put("jobs/k/x", big(2)), a.delete("jobs/k/other")]);
    const got = (await b.getBytes("jobs/k/x"))!;
    expect(got.length).toBe(1 << 20);
    expect(got.every((v) => v === got[0])).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });
});

describe("file blob store: a job's directory removed by another process", () => {
  it("a put into a directory it made before, since removed by another store (its last blob deleted), makes it again", async () => {
    const dir = await tempDir();
    const [worker, janitor] = [await createFileBlobStore({ dir }), await createFileBlobStore({ dir })];
    await worker.put("jobs/j1/a", new Uint8Array([1]));
    expect(await janitor.delete("jobs/j1/a")).toBe(true);
    expect(existsSync(join(dir, "jobs", "j1"))).toBe(false); // pruned with its last blob
    await worker.put("jobs/j1/b", new Uint8Array([2]));
    expect(await janitor.getBytes("jobs/j1/b")).toEqual(new Uint8Array([2]));
    // Removed outright (an operator's rm, a restore): the same.
    await rm(join(dir, "jobs"), { recursive: true });
    await worker.put("jobs/j1/c", new Uint8Array([3]));
    expect(await janitor.getBytes("jobs/j1/c")).toEqual(new Uint8Array([3]));
    expect((await readdir(join(dir, ".tmp"))).length).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });
});

describe("file blob store on a full disk (a real 1 MiB tmpfs)", () => {
  it("fails a put the disk cannot hold as STORAGE_FULL, leaves nothing behind, and takes the next one that fits", async (ctx) => {
    const disk = await mountSmallDisk(1024 * 1024);
    // Mounting needs root (the suite's machines have it); elsewhere the reason is printed as the skip's note.
    if ("unavailable" in disk) return ctx.skip(disk.unavailable);
    await using _ = disk;
    const s = await createFileBlobStore({ dir: disk.dir });
    const freeBytes = async () => {
      const f = await statfs(disk.dir);
      return f.bavail * f.bsize;
    };
    const before = await freeBytes();
    expect(before).toBeGreaterThan(900 * 1024);
    expect(before).toBeLessThanOrEqual(1024 * 1024);

    const chunks = async function* () {
      for (let i = 0; i < 32; i++) yield new Uint8Array(64 * 1024).fill(i); // 2 MiB in all
    };
    const err = await s.put("jobs/big/upload", ReadableStream.from(chunks())).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: "STORAGE_FULL", name: "RetryableError", retryAfterMs: 30_000, cause: { code: "ENOSPC" } });
    expect(await tree(disk.dir)).toEqual([".tmp"]); // the partial write is gone, no key was made
    expect(await freeBytes()).toBe(before);
    // One buffer at once fails the same way, and so does a file copied in by the kernel.
    await expect(s.put("jobs/big/upload", new Uint8Array(2 * 1024 * 1024))).rejects.toMatchObject({ code: "STORAGE_FULL" });
    const source = join(await tempDir(), "audio.wav");
    await writeFile(source, new Uint8Array(2 * 1024 * 1024));
    await expect(s.putFile!("jobs/big/audio.wav", source)).rejects.toMatchObject({ code: "STORAGE_FULL", cause: { code: "ENOSPC" } });
    expect(await tree(disk.dir)).toEqual([".tmp"]);
    await rm(source);

    const small = new Uint8Array(100 * 1024).fill(7);
    await expect(s.put("jobs/small/upload", small)).resolves.toEqual({ key: "jobs/small/upload", size: small.length });
    expect(await s.getBytes("jobs/small/upload")).toEqual(small);
    expect(await freeBytes()).toBeLessThan(before);
  });
});
