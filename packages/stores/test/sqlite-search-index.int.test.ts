import { readdirSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { searchIndexConformance } from "@mp4t/stores/conformance";
import { describe, expect, it } from "vitest";
import { createSqliteSearchIndex } from "../src/search/sqlite-search-index.adapter.ts";

const fresh = async () => {
  const dir = await mkdtemp(join(tmpdir(), "mp4t-search-"));
  return { dir, path: join(dir, "search", "index.db") };
};

searchIndexConformance("SQLite FTS5 (node:sqlite)", async () => {
  const { dir, path } = await fresh();
  const index = createSqliteSearchIndex({ path });
  return {
    index,
    cleanup: async () => {
      await index.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe("SQLite search index: adapter specifics", () => {
  it("keeps the index (transcripts' text) readable by its owner only: directory 0700, files 0600", async () => {
    const { dir, path } = await fresh();
    const index = createSqliteSearchIndex({ path });
    try {
      await index.upsert({
        userId: "alice",
        jobId: "0".repeat(25) + "3",
        fileName: "a.mp4",
        version: 1,
        segments: [{ segmentIndex: 0, start: 0, end: 1, text: "private words" }],
      });
      const searchDir = join(dir, "search");
      expect(statSync(searchDir).mode & 0o777).toBe(0o700);
      const files = readdirSync(searchDir);
      expect(files).toContain("index.db");
      for (const f of files) expect(statSync(join(searchDir, f)).mode & 0o077, f).toBe(0);
    } finally {
      await index.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("shares one file between two openers (two gateway processes on a host): writes of one are found by the other", async () => {
    const { dir, path } = await fresh();
    const a = createSqliteSearchIndex({ path });
    const b = createSqliteSearchIndex({ path });
    try {
      const doc = {
        userId: "alice",
        jobId: "0".repeat(25) + "1",
        fileName: "a.mp4",
        version: 1,
        segments: [{ segmentIndex: 0, start: 0, end: 1, text: "shared words" }],
      };
      await Promise.all([a.upsert(doc), b.upsert({ ...doc, jobId: "0".repeat(25) + "2" })]);
      expect((await b.search({ userId: "alice", q: "shared", limit: 10 })).items).toHaveLength(2);
      await b.remove({ userId: "alice", jobId: doc.jobId });
      expect((await a.search({ userId: "alice", q: "shared", limit: 10 })).items.map((h) => h.jobId)).toEqual(["0".repeat(25) + "2"]);
    } finally {
      await a.close();
      await b.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
