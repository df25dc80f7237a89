import type { Job } from "@mp4t/contracts";
import { jobStoreConformance, sampleJob, sampleUser } from "@mp4t/stores/conformance";
import { startFerretDb, testPostgres, type FerretDbServer, type TestPostgres } from "@mp4t/testing";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMongoJobStore } from "../src/adapters/mongo-job-store.adapter.ts";

// The MongoDB job store on what docker-compose.yml runs as its server: FerretDB v1 on PostgreSQL,
// with its own SCRAM user (compose's settings). FerretDB's SQLite backend, which npm start's
// defaults do not use either, is covered by mongo-job-store.int.test.ts; this one needs a
// PostgreSQL server (the machine's, 127.0.0.1:5432, or MP4T_TEST_POSTGRES_URL).
const pg = testPostgres();
const unavailable = "unavailable" in pg ? pg.unavailable : undefined;
if (unavailable) console.warn(`[mongo-job-store.postgres] skipped: ${unavailable}`);
const SERVER = "MongoDB wire (FerretDB v1, PostgreSQL, SCRAM user)";

describe.skipIf(unavailable !== undefined)(`MongoDB job store on ${SERVER}${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  const postgres = pg as TestPostgres;
  // One PostgreSQL database for this run (FerretDB maps each MongoDB database to a schema in it).
  const pgDatabase = `mp4t_ferretdb_${Date.now().toString(36)}_${process.pid}`;
  const user = { database: "mp4t", username: "mp4t", password: `pw-${process.pid}-${Date.now()}` };
  let ferret: FerretDbServer | undefined;
  let n = 0;

  beforeAll(async () => {
    postgres.createDatabase(pgDatabase);
    ferret = await startFerretDb({ postgresqlUrl: postgres.urlFor(pgDatabase), user });
  }, 30_000);
  afterAll(async () => {
    await ferret?.stop();
    postgres.dropDatabase(pgDatabase);
  });

  jobStoreConformance(SERVER, async () => {
    const store = await createMongoJobStore({ url: ferret!.url, database: `jobs_${++n}` });
    // The PostgreSQL database goes in afterAll; closing is all each test owes.
    return { store, cleanup: () => store.close() };
  });

  it("refuses clients without the user's password, as compose relies on", async () => {
    const anonymous = new MongoClient(`mongodb://127.0.0.1:${ferret!.port}/`, { serverSelectionTimeoutMS: 5000 });
    const wrong = new MongoClient(ferret!.url.replace(encodeURIComponent(user.password), "wrong"), { serverSelectionTimeoutMS: 5000 });
    try {
      await expect(anonymous.db("jobs_x").collection("jobs").insertOne({ a: 1 })).rejects.toThrow(/requires authentication/i);
      await expect(wrong.connect()).rejects.toThrow(/Authentication failed/i);
    } finally {
      await Promise.all([anonymous.close(), wrong.close()]);
    }
  });

  it("keeps its user and the jobs across a restart on the same PostgreSQL database (compose restarts it)", async () => {
    const database = `jobs_${++n}`;
    const before = await createMongoJobStore({ url: ferret!.url, database });
    const job = sampleJob("alice");
    try {
      await before.createJob(job);
    } finally {
      await before.close();
    }
    await ferret!.stop();
    ferret = await startFerretDb({ postgresqlUrl: postgres.urlFor(pgDatabase), user });
    const after = await createMongoJobStore({ url: ferret.url, database });
    try {
      expect(await after.getJob({ userId: "alice", jobId: job.id })).toEqual(job);
    } finally {
      await after.close();
    }
  });

  it("loses no update when two replicas update one job concurrently", async () => {
    const database = `jobs_${++n}`;
    const [a, b] = await Promise.all([createMongoJobStore({ url: ferret!.url, database }), createMongoJobStore({ url: ferret!.url, database })]);
    try {
      const job = sampleJob("alice", { chunks: { count: 20, done: [] } });
      await a.createJob(job);
      const ref = { userId: "alice", jobId: job.id };
      const addChunk = (i: number) => (j: Job) => ({ ...j, chunks: { count: 20, done: [...j.chunks!.done, i] } });
      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).updateJob(ref, addChunk(i))));
      expect([...(await b.getJob(ref))!.chunks!.done].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      // One email, two replicas registering it at once: exactly one wins.
      const results = await Promise.allSettled([
        a.createUser(sampleUser({ email: "race@example.test" })),
        b.createUser(sampleUser({ email: "RACE@example.test" })),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
      expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({ code: "EMAIL_TAKEN" });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
