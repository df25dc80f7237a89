import { AppError } from "@mp4t/contracts";
import { createNatsKvJobStore, type JobStore } from "@mp4t/stores";
import { sampleJob } from "@mp4t/stores/conformance";
import { startNats, type NatsServer } from "@mp4t/testing";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUploadQuota, type QuotaLimits } from "../src/limits/user-quotas.ts";

/**
 * The upload quota's remembered counts, on the real NATS KV job store: the store counts for real,
 * and the test counts how often it was asked (`usage`, `listJobs`).
 */
describe("upload quota: a user's count remembered for a few seconds", () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let store: JobStore;
  let users = 0;
  beforeAll(async () => {
    nats = await startNats();
    nc = await nats.connect();
    store = await createNatsKvJobStore(nc);
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  /** The real store, with its counting calls counted; a clock the test moves. */
  const setup = (l: Partial<QuotaLimits> = {}) => {
    const calls = { usage: 0, listJobs: 0 };
    const jobs: JobStore = {
      ...store,
      usage: (userId) => (calls.usage++, store.usage(userId)),
      listJobs: (userId, q) => (calls.listJobs++, store.listJobs(userId, q)),
    };
    const clock = { ms: 0 };
    const limits = { maxActiveJobs: 3, storageQuotaBytes: 10_000, maxUploadBytes: 1_000, ...l };
    const quota = createUploadQuota(jobs, limits, { maxAgeMs: 5_000, now: () => clock.ms });
    return { quota, calls, clock, userId: `quota-user-${++users}` };
  };
  /** A job stored for the user and told to the quota, as the upload route does after `submitJob`. */
  const upload = async (q: ReturnType<typeof setup>, sizeBytes: number) => {
    const allowance = await q.quota.allowance(q.userId);
    const job = sampleJob(q.userId, { sizeBytes });
    await store.createJob(job);
    q.quota.created(q.userId, sizeBytes);
    return { allowance, job };
  };
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => "allowed",
      (err: unknown) => (err instanceof AppError ? err.code : String(err)),
    );

  it("counts once for a burst of uploads it allows, adding its own uploads to the figure", async () => {
    const q = setup({ maxActiveJobs: 5 });
    for (let i = 0; i < 4; i++) expect((await upload(q, 100)).allowance).toEqual({ maxBytes: 1_000, byQuota: false });
    expect(q.calls.usage).toBe(1);
    // The remembered figure is now 4 active (its own uploads added): the fifth is still allowed from it...
    await upload(q, 100);
    expect(q.calls.usage).toBe(1);
    // ...and the sixth would be refused by it, so the store is counted again, and refuses it.
    expect(await refusal(q.quota.allowance(q.userId))).toBe("TOO_MANY_ACTIVE_JOBS");
    expect(q.calls.usage).toBe(2);
  });

  it("never refuses on a remembered count: a job that ended since lets the next upload in at once", async () => {
    const q = setup({ maxActiveJobs: 2 });
    const { job } = await upload(q, 100);
    await upload(q, 100);
    expect(await refusal(q.quota.allowance(q.userId))).toBe("TOO_MANY_ACTIVE_JOBS");
    await store.updateJob({ userId: q.userId, jobId: job.id }, (j) => ({ ...j, status: "completed" }));
    const before = q.calls.usage;
    expect(await refusal(q.quota.allowance(q.userId))).toBe("allowed"); // well within the 5 s
    expect(q.calls.usage).toBe(before + 1);
  });

  it("counts afresh whenever the quota cuts the allowance short, and once the count is older than its age", async () => {
    const q = setup({ storageQuotaBytes: 10_000, maxActiveJobs: 100 });
    await upload(q, 9_200);
    expect(q.calls.usage).toBe(1);
    // 800 left by the remembered figure, under one upload's 1,000: the quota sets the allowance, so it is counted again.
    expect(await q.quota.allowance(q.userId)).toEqual({ maxBytes: 800, byQuota: true });
    expect(q.calls.usage).toBe(2);
    // And each time while it does: a job another gateway stored meanwhile is seen at once.
    await store.createJob(sampleJob(q.userId, { sizeBytes: 300, status: "completed" }));
    expect(await q.quota.allowance(q.userId)).toEqual({ maxBytes: 500, byQuota: true });
    expect(q.calls.usage).toBe(3);
    const roomy = setup({ maxActiveJobs: 100 });
    await roomy.quota.allowance(roomy.userId);
    roomy.clock.ms += 4_999;
    await roomy.quota.allowance(roomy.userId);
    expect(roomy.calls.usage).toBe(1);
    roomy.clock.ms += 1;
    await roomy.quota.allowance(roomy.userId);
    expect(roomy.calls.usage).toBe(2);
  });

  it("refuses a user at the quota with STORAGE_QUOTA_EXCEEDED, from a fresh count", async () => {
    const q = setup({ storageQuotaBytes: 1_000 });
    await upload(q, 1_000);
    expect(await refusal(q.quota.allowance(q.userId))).toBe("STORAGE_QUOTA_EXCEEDED");
    expect(q.calls.usage).toBe(2);
  });

  it("without a storage quota counts the active jobs by listing, remembered the same way", async () => {
    const q = setup({ storageQuotaBytes: 0, maxActiveJobs: 2 });
    await upload(q, 5_000);
    expect(q.calls.usage).toBe(0);
    const listed = q.calls.listJobs;
    expect(listed).toBeGreaterThan(0);
    await upload(q, 5_000); // allowed from the remembered figure (1 active, its own upload added)
    expect(q.calls.listJobs).toBe(listed);
    expect(await refusal(q.quota.allowance(q.userId))).toBe("TOO_MANY_ACTIVE_JOBS");
    expect(q.calls.listJobs).toBeGreaterThan(listed);
  });
});
