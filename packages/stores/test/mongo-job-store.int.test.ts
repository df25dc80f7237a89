import type { Job } from "@mp4t/contracts";
import { apiKeyStoreConformance, jobStoreConformance, sampleJob, sampleUser } from "@mp4t/stores/conformance";
import { startFerretDb, type FerretDbServer } from "@mp4t/testing";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMongoApiKeyStore } from "../src/adapters/mongo-api-key-store.adapter.ts";
import { createMongoJobStore } from "../src/adapters/mongo-job-store.adapter.ts";
import type { JobStore } from "../src/ports.ts";

// The server under test: a real MongoDB where MONGODB_URL is set, else a FerretDB v1 started here.
// Tests on the server failing are in mongo-job-store.timeouts.int.test.ts (always on FerretDB).
const realUrl = process.env.MONGODB_URL;
const SERVER = realUrl
  ? `MongoDB at ${/^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(realUrl)?.[1] ?? "MONGODB_URL"}`
  : "MongoDB wire (FerretDB v1, SQLite)";

let ferret: FerretDbServer | undefined;
let url: string;
beforeAll(async () => {
  if (realUrl) url = realUrl;
  else url = (ferret = await startFerretDb()).url;
});
afterAll(async () => {
  await ferret?.stop();
});

// Databases unique to this run, each dropped by the test that made it (a shared server may hold others).
const run = `mp4t_test_${Date.now().toString(36)}_${process.pid}`;
let n = 0;
const freshDatabase = () => `${run}_${++n}`;

/** url with its database path set to `database`; credentials keep authenticating where they did. */
function urlWithDatabase(base: string, database: string): string {
  const [, hosts, path, query] = /^(mongodb(?:\+srv)?:\/\/[^/?]+)\/?([^?]*)\??(.*)$/.exec(base)!;
  const params = new URLSearchParams(query);
  if (hosts!.includes("@") && !params.has("authSource")) params.set("authSource", path || "admin");
  return `${hosts}/${database}${params.size ? `?${params}` : ""}`;
}

/** A raw driver client on the test server, to look at what the adapter stored. */
async function withRawDb<T>(database: string, fn: (db: ReturnType<MongoClient["db"]>) => Promise<T>): Promise<T> {
  const client = await new MongoClient(url).connect();
  try {
    return await fn(client.db(database));
  } finally {
    await client.close();
  }
}

jobStoreConformance(SERVER, async () => {
  const database = freshDatabase();
  const store = await createMongoJobStore({ url, database });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await withRawDb(database, (db) => db.dropDatabase());
    },
  };
});

apiKeyStoreConformance(SERVER, async () => {
  const database = freshDatabase();
  const store = await createMongoApiKeyStore({ url, database });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await withRawDb(database, (db) => db.dropDatabase());
    },
  };
});

describe(`MongoDB job store: adapter specifics on ${SERVER}`, () => {
  /** Two store instances on one database, as two replicas of a service would have. */
  const withReplicas = async (fn: (a: JobStore, b: JobStore, database: string) => Promise<void>) => {
    const database = freshDatabase();
    const a = await createMongoJobStore({ url, database });
    const b = await createMongoJobStore({ url: urlWithDatabase(url, database) }); // database from the URL
    try {
      await fn(a, b, database);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await withRawDb(database, (db) => db.dropDatabase());
    }
  };

  it("loses no update when two replicas update one job concurrently", () =>
    withReplicas(async (a, b) => {
      const job = sampleJob("alice", { chunks: { count: 30, done: [] } });
      await a.createJob(job);
      const ref = { userId: "alice", jobId: job.id };
      const addChunk = (i: number) => (j: Job) => ({ ...j, chunks: { count: 30, done: [...j.chunks!.done, i] } });
      await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).updateJob(ref, addChunk(i))));
      const all = Array.from({ length: 30 }, (_, i) => i);
      expect([...(await a.getJob(ref))!.chunks!.done].sort((x, y) => x - y)).toEqual(all);
      expect([...(await b.getJob(ref))!.chunks!.done].sort((x, y) => x - y)).toEqual(all);
    }));

  it("lets exactly one of two replicas register an email at once; the other gets EMAIL_TAKEN", () =>
    withReplicas(async (a, b) => {
      const first = sampleUser({ email: "race@example.test" });
      const second = sampleUser({ email: "RACE@example.test" });
      const results = await Promise.allSettled([a.createUser(first), b.createUser(second)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.filter((r) => r.status === "rejected");
      expect(rejected).toHaveLength(1);
      expect((rejected[0] as PromiseRejectedResult).reason).toMatchObject({ code: "EMAIL_TAKEN" });
      const winner = results[0]!.status === "fulfilled" ? first : second;
      expect(await b.getUserByEmail("race@example.test")).toEqual(winner);
    }));

  it("does not report a reused user id as EMAIL_TAKEN", () =>
    withReplicas(async (a) => {
      const user = sampleUser();
      await a.createUser(user);
      const err = await a.createUser({ ...user, email: "other@example.test" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toMatchObject({ code: "EMAIL_TAKEN" });
    }));

  it("creates its indexes at startup, and a second replica's start-up leaves them as they are", () =>
    withReplicas(async (_a, _b, database) => {
      await withRawDb(database, async (db) => {
        const userIndexes = await db.collection("users").listIndexes().toArray();
        expect(userIndexes.find((i) => i.name === "email_unique")).toMatchObject({ key: { emailKey: 1 }, unique: true });
        const jobIndexes = (await db.collection("jobs").listIndexes().toArray()).map((i) => i.name).sort();
        expect(jobIndexes).toEqual(["_id_", "user_newest", "user_status_newest"]);
      });
    }));

  it("keeps one full revision per job and removes them all with the job", () =>
    withReplicas(async (a, _b, database) => {
      const job = sampleJob("alice");
      await a.createJob(job);
      const ref = { userId: "alice", jobId: job.id };
      for (let i = 1; i <= 5; i++) await a.updateJob(ref, (j) => ({ ...j, progress: i / 10 }));
      await withRawDb(database, async (db) => {
        const revs = await db.collection("job_revisions").find({ jobId: job.id }).sort({ rev: 1 }).toArray();
        expect(revs.map((r) => r.rev)).toEqual([1, 2, 3, 4, 5]);
        expect(revs.map((r) => "job" in r)).toEqual([false, false, false, false, true]);
        expect(revs[4]!.job).toMatchObject({ progress: 0.5 });
      });
      await a.deleteJob(ref);
      expect(await withRawDb(database, (db) => db.collection("job_revisions").countDocuments({ jobId: job.id }))).toBe(0);
      expect(await a.updateJob(ref, (j) => j)).toBeNull();
    }));

  it("stores a fully populated job exactly, numbers and nested fields included", () =>
    withReplicas(async (a, b) => {
      const at = new Date().toISOString();
      const job = sampleJob("alice", {
        status: "failed",
        progress: 0.37,
        sizeBytes: 5_000_000_123,
        options: { language: "de", diarize: false, speakers: 3, enhance: ["summary", "translate:fr"], class: "batch", engine: "openai" },
        stages: { ingest: { status: "done", startedAt: at, finishedAt: at }, transcribe: { status: "failed", startedAt: at } },
        media: { durationSec: 61.25, container: "mov,mp4", audioCodec: "aac", sampleRate: 44100, channels: 2, hasVideo: true },
        chunks: { count: 3, done: [0, 2] },
        error: { code: "ENGINE_FAILED", message: "boom" },
        completedAt: at,
        reaped: 1,
        mediaDeletedAt: at,
      });
      await a.createJob(job);
      expect(await b.getJob({ userId: "alice", jobId: job.id })).toEqual(job);
      // An optional field the mutation drops is gone afterwards, not left behind or null.
      const { error: _dropped, ...withoutError } = job;
      const updated = await b.updateJob({ userId: "alice", jobId: job.id }, () => withoutError);
      const stored = await a.getJob({ userId: "alice", jobId: job.id });
      expect(stored).toEqual(updated);
      expect(stored).not.toHaveProperty("error");
    }));

  it("treats the search text literally, regex characters included", () =>
    withReplicas(async (a) => {
      const odd = sampleJob("bob", { fileName: "Q&A (final) [v2].MP4" });
      await a.createJob(odd);
      await a.createJob(sampleJob("bob", { fileName: "other.mp4" }));
      expect((await a.listJobs("bob", { limit: 10, q: "(FINAL) [v2]" })).items.map((j) => j.id)).toEqual([odd.id]);
      expect((await a.listJobs("bob", { limit: 10, q: ".*" })).items).toEqual([]);
    }));

  it("scans and pages through more jobs than one page of the scan", () =>
    withReplicas(async (a) => {
      const ids = new Set<string>();
      for (let i = 0; i < 450; i++) {
        const job = sampleJob(`user${i % 3}`);
        ids.add(job.id);
        await a.createJob(job);
      }
      const seen: string[] = [];
      for await (const job of a.scanJobs()) seen.push(job.id);
      expect(seen).toHaveLength(450);
      expect(new Set(seen)).toEqual(ids);
      const listed: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await a.listJobs("user1", { limit: 40, cursor });
        listed.push(...page.items.map((j) => j.id));
        cursor = page.next ?? undefined;
      } while (cursor);
      expect(listed).toHaveLength(150);
      expect(listed).toEqual([...listed].sort().reverse());
    }));
});
