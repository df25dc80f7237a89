import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createUploadScratch } from "./upload-scratch.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
const scratch = async (o: Partial<Parameters<typeof createUploadScratch>[0]> = {}) => {
  const dir = await mkdtemp(join(tmpdir(), "mp4t-scratch-"));
  dirs.push(dir);
  return createUploadScratch({ dir, expiryMs: 60_000, maxTotalBytes: 1000, maxPerUser: 5, ...o });
};
const input = (userId: string, length: number) => ({
  userId,
  length,
  fileName: "a.mp4",
  options: { language: "en", diarize: true, enhance: [], class: "interactive" as const },
});

describe("upload scratch", () => {
  it("expires abandoned uploads: the sweep deletes their bytes and records", async () => {
    const s = await scratch();
    const r = await s.create(input("u1", 10));
    await s.locked(r.id, () => s.append(r, 0, Readable.from([Buffer.alloc(4)])));
    expect((await s.get("u1", r.id))?.offset).toBe(4);
    expect(await s.sweep(Date.now())).toBe(0);
    expect(await s.sweep(Date.now() + 61_000)).toBe(1);
    expect(await readdir(s.dir)).toEqual([]);
    expect(await s.get("u1", r.id)).toBeNull();
  });

  it("bounds the bytes all unfinished uploads reserve, and hides one user's upload from another", async () => {
    const s = await scratch({ maxTotalBytes: 100 });
    const r = await s.create(input("u1", 60));
    await expect(s.create(input("u2", 41))).rejects.toMatchObject({ code: "UPLOAD_SCRATCH_FULL" });
    expect(await s.get("u2", r.id)).toBeNull();
    expect(await s.get("u1", "not-an-id")).toBeNull();
    await s.remove(r.id);
    expect((await s.create(input("u2", 41))).length).toBe(41);
  });

  it("lets one writer at a time write an upload", async () => {
    const s = await scratch();
    const r = await s.create(input("u1", 10));
    let release!: () => void;
    const first = s.locked(r.id, () => new Promise<void>((res) => (release = res)));
    await expect(s.locked(r.id, async () => 1)).rejects.toMatchObject({ code: "UPLOAD_LOCKED" });
    release();
    await first;
    expect(await s.locked(r.id, async () => 2)).toBe(2);
  });

  it("answers 503 where the scratch directory cannot be made (a read-only file system), instead of failing the gateway's start", async () => {
    const parent = (await scratch()).dir;
    await writeFile(join(parent, "a-file"), "not a directory");
    const s = createUploadScratch({ dir: join(parent, "a-file", "uploads"), expiryMs: 60_000, maxTotalBytes: 1000, maxPerUser: 5 });
    await expect(s.create(input("u1", 10))).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    await expect(s.sweep()).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
  });
});
