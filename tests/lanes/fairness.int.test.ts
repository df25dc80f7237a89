import { FAIR_BUCKETS } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { startLane, userOutside } from "./lanes-harness.ts";

/**
 * The bound: once a user's job is queued, it waits for at most the jobs a replica dispatches
 * before its next backlog read (concurrency x pollMs / handler time, plus those in flight) and
 * one round over the other buckets (FAIR_BUCKETS - 1), however many jobs another user has queued.
 * The check counts dispatches, so a slow machine cannot break it; 2x covers a late backlog read.
 */
describe("per-user fairness", () => {
  it("runs one user's single job within a bounded number of another user's 200 queued jobs", async () => {
    const c = 2,
      handlerMs = 10,
      pollMs = 100;
    await using lane = await startLane({ concurrency: c, handlerMs, pollMs });
    await lane.worker.start();
    const flood = "flooding-user";
    for (let i = 0; i < 200; i++) await lane.submit(flood, "interactive");
    await lane.until((d) => d.length >= 5);

    const single = userOutside(flood);
    const submittedAt = lane.done.length;
    const jobId = await lane.submit(single, "interactive");
    await lane.until((d) => d.some((x) => x.jobId === jobId));
    const floodJobsInBetween = lane.done.findIndex((x) => x.jobId === jobId) - submittedAt;

    const bound = c * (Math.ceil((2 * pollMs) / handlerMs) + 1) + (FAIR_BUCKETS - 1);
    expect(floodJobsInBetween).toBeLessThanOrEqual(bound);
    expect(bound).toBeLessThan(200 - 5); // FIFO would have made it wait for the whole flood
    expect(lane.done.filter((x) => x.userId === flood).length).toBeLessThan(200);
    await lane.until((d) => d.length === 201);
  });

  it("shares a lane round-robin among users with backlogs of very different sizes", async () => {
    await using lane = await startLane({ concurrency: 1, handlerMs: 1, pollMs: 100 });
    const big = "big-user";
    const small = userOutside(big);
    for (let i = 0; i < 60; i++) await lane.submit(big, "batch");
    for (let i = 0; i < 6; i++) await lane.submit(small, "batch");
    await lane.worker.start();
    await lane.until((d) => d.filter((x) => x.userId === small).length === 6);
    // Alternating turns: the small user's 6 jobs are done within the first 12 or so dispatches.
    expect(lane.done.filter((x) => x.userId === big).length).toBeLessThanOrEqual(8);
    await lane.until((d) => d.length === 66);
  });
});
