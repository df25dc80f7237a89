import { searchIndexConformance } from "@mp4t/stores/conformance";
import { startFerretDb, type FerretDbServer } from "@mp4t/testing";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMongoSearchIndex } from "../src/search/mongo-search-index.adapter.ts";

// A real MongoDB where MONGODB_URL is set, else FerretDB v1 (SQLite), which has no $text: the
// adapter's portable stems-array design is what runs on both.
const realUrl = process.env.MONGODB_URL;
let ferret: FerretDbServer | undefined;
let client: MongoClient;
beforeAll(async () => {
  const url = realUrl ?? (ferret = await startFerretDb()).url;
  client = await new MongoClient(url).connect();
});
afterAll(async () => {
  await client?.close();
  await ferret?.stop();
});

const run = `mp4t_search_${Date.now().toString(36)}_${process.pid}`;
let n = 0;

searchIndexConformance(realUrl ? "MongoDB" : "MongoDB wire (FerretDB v1, SQLite)", async () => {
  const db = client.db(`${run}_${++n}`);
  const index = await createMongoSearchIndex({ db });
  return {
    index,
    cleanup: async () => {
      await index.close();
      await db.dropDatabase();
    },
  };
});

describe("MongoDB search index: adapter specifics", () => {
  it("converges when two writers index different versions of one job at once", async () => {
    const db = client.db(`${run}_${++n}`);
    const a = await createMongoSearchIndex({ db });
    const b = await createMongoSearchIndex({ db });
    try {
      const jobId = "0".repeat(25) + "7";
      const v = (version: number, text: string) => ({
        userId: "alice",
        jobId,
        fileName: "x.mp4",
        version,
        segments: [{ segmentIndex: 0, start: 0, end: 1, text }],
      });
      await Promise.all([a.upsert(v(2, "second words")), b.upsert(v(3, "third words")), a.upsert(v(1, "first words"))]);
      const hits = (await a.search({ userId: "alice", q: "words", limit: 10 })).items;
      expect(hits.map((h) => h.snippet)).toEqual(["third **words**"]);
      expect(await db.collection("search_segments").countDocuments({ jobId })).toBe(1);
    } finally {
      await db.dropDatabase();
    }
  });
});
