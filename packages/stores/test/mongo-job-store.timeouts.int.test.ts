import type { Job } from "@mp4t/contracts";
import { sampleJob, sampleUser } from "@mp4t/stores/conformance";
import { freePort, startFerretDb } from "@mp4t/testing";
import { MongoError } from "mongodb";
import { describe, expect, it } from "vitest";
import { createMongoJobStore } from "../src/adapters/mongo-job-store.adapter.ts";
import type { JobStore } from "../src/ports.ts";
import { failureWithin, startSilentPeer, within } from "./silent-peer.ts";

// Always on a FerretDB of its own (a MongoDB-wire server this file can silence or stop): what is
// tested is the driver's time limits, which do not depend on the server behind them.

/**
 * The store's time limit in these tests, and how long a call may take at most to fail under it
 * (the driver retries a read or write once, so a call may take a few limits). Start-up before
 * the silence must finish within the limit too, so it cannot be tiny on a busy test machine.
 */
const LIMIT_MS = 500;
const BOUND_MS = 5000;

/** Every call of the store, each expected to fail once the server is unreachable. */
const everyCall = (s: JobStore, job: Job): [string, () => Promise<unknown>][] => {
  const ref = { userId: job.userId, jobId: job.id };
  return [
    ["createUser", () => s.createUser(sampleUser())],
    ["getUserByEmail", () => s.getUserByEmail("someone@example.test")],
    ["updateUser", () => s.updateUser("someone@example.test", (u) => u)],
    ["deleteUser", () => s.deleteUser("someone@example.test")],
    ["createJob", () => s.createJob(sampleJob(job.userId))],
    ["getJob", () => s.getJob(ref)],
    ["updateJob", () => s.updateJob(ref, (j) => ({ ...j, progress: 0.5 }))],
    ["listJobs", () => s.listJobs(job.userId, { limit: 10 })],
    [
      "scanJobs",
      async () => {
        for await (const _ of s.scanJobs()) break;
      },
    ],
    ["deleteJob", () => s.deleteJob(ref)],
  ];
};

/**
 * Starts every call three times at once, as a busy service would, and expects each to fail within
 * the bound: more calls than the driver opens connections at a time (two), so some wait on the pool.
 */
const expectEveryCallToFail = async (s: JobStore, job: Job) => {
  const calls = [1, 2, 3].flatMap(() => everyCall(s, job));
  const errors = await Promise.all(calls.map(([, call]) => failureWithin(call(), BOUND_MS)));
  errors.forEach((err, i) => expect(err, calls[i]![0]).toBeInstanceOf(MongoError)); // not a hang, not our own bug
};

describe("MongoDB job store time limits (FerretDB v1, SQLite)", () => {
  it("fails start-up with SERVICE_UNAVAILABLE naming the server when nothing listens", async () => {
    const port = await freePort();
    const url = `mongodb://user:secret@127.0.0.1:${port}/`;
    const err = await failureWithin(createMongoJobStore({ url, timeoutMs: LIMIT_MS }), BOUND_MS);
    expect(err).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
    expect((err as Error).message).not.toContain("secret");
  });

  it("fails start-up with SERVICE_UNAVAILABLE within the limit against a peer that never answers", async () => {
    const peer = await startSilentPeer();
    try {
      const err = await failureWithin(createMongoJobStore({ url: `mongodb://127.0.0.1:${peer.port}`, timeoutMs: LIMIT_MS }), BOUND_MS);
      expect(err).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
      expect((err as Error).message).toContain(`127.0.0.1:${peer.port}`);
      await within(peer.drained(), BOUND_MS); // the failed start-up closed its connections
    } finally {
      await peer.close();
    }
  });

  it("fails every call within the limit once the network goes silent, and still closes", async () => {
    await using server = await startFerretDb();
    const peer = await startSilentPeer(server.port);
    try {
      const store = await createMongoJobStore({ url: `mongodb://127.0.0.1:${peer.port}`, database: "silenced", timeoutMs: LIMIT_MS });
      try {
        const job = sampleJob("alice");
        await store.createJob(job);
        peer.silence();
        await expectEveryCallToFail(store, job);
      } finally {
        await within(store.close(), BOUND_MS);
      }
      await within(peer.drained(), BOUND_MS);
    } finally {
      await peer.close();
    }
  });

  it("fails every call, rather than hanging, once the server has stopped", async () => {
    await using server = await startFerretDb();
    const store = await createMongoJobStore({ url: server.url, database: "gone", timeoutMs: LIMIT_MS });
    try {
      const job = sampleJob("alice");
      await store.createJob(job);
      await server.stop();
      await expectEveryCallToFail(store, job);
    } finally {
      await within(store.close(), BOUND_MS);
    }
  });
});
