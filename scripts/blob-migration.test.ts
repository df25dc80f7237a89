import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readBlobChoice, recordBlobChoice } from "./blob-migration.ts";

describe("the blob store npm start records in DATA_DIR (local-blobs.json)", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "mp4t-blob-choice-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("reads back what was recorded, in a file only its owner can read", async () => {
    expect(readBlobChoice(dir)).toBeNull();
    recordBlobChoice(dir, { BLOB_STORE: "file", BLOB_DIR: join(dir, "blobs") });
    expect(readBlobChoice(dir)).toEqual({ BLOB_STORE: "file", BLOB_DIR: join(dir, "blobs") });
    expect((await stat(join(dir, "local-blobs.json"))).mode & 0o777).toBe(0o600);
    recordBlobChoice(dir, { BLOB_STORE: "nats" });
    expect(readBlobChoice(dir)).toEqual({ BLOB_STORE: "nats" });
  });

  it("takes only BLOB_STORE and an absolute BLOB_DIR from the file: no other variable reaches a replica's environment", async () => {
    const file = join(dir, "local-blobs.json");
    await writeFile(file, JSON.stringify({ BLOB_STORE: "file", BLOB_DIR: "/srv/blobs", NODE_OPTIONS: "--require /tmp/evil.js", NATS_URL: "nats://elsewhere" }));
    expect(readBlobChoice(dir)).toEqual({ BLOB_STORE: "file", BLOB_DIR: "/srv/blobs" });
    for (const bad of [
      "not json",
      "null",
      "[]",
      '{"BLOB_STORE":"ftp"}',
      '{"BLOB_STORE":"file"}',
      '{"BLOB_STORE":"file","BLOB_DIR":"relative/dir"}',
      '{"BLOB_STORE":"file","BLOB_DIR":7}',
    ]) {
      await writeFile(file, bad);
      expect(readBlobChoice(dir), bad).toBeNull();
    }
  });
});
