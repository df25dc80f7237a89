import { ensureFairConsumers } from "@mp4t/messaging/internal";
import { jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJob, startHarness, type Harness } from "./harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // The ingest workers' consumers, as a running ingest service would have made them.
  await ensureFairConsumers(await jetstreamManager(h.nc), "ingest", { ackWaitMs: 60_000 });
});
afterAll(async () => {
  await h?.close();
});

describe("GET /v1/jobs/:id queue", () => {
  it("shows a queued job's place in line and estimates; an ended job and the listing have none", async () => {
    const user = await h.user();
    const jobs = [];
    for (let i = 0; i < 3; i++) jobs.push(await createJob(h, user.auth, `q${i}.mp4`));
    const third = await h.app.inject({ method: "GET", url: `/v1/jobs/${jobs[2]!.id}`, headers: user.auth });
    expect(third.statusCode, third.body).toBe(200);
    // Two of the same user's uploads wait before it; no rate measured yet, so no times.
    expect(third.json().queue).toEqual({ stage: "ingest", position: 2, estimatedStartAt: null, estimatedFinishAt: null });
    const first = await h.app.inject({ method: "GET", url: `/v1/jobs/${jobs[0]!.id}`, headers: user.auth });
    expect(first.json().queue).toMatchObject({ stage: "ingest", position: 0 });
    expect(Date.parse(first.json().queue.estimatedStartAt)).toBeLessThanOrEqual(Date.now());

    const list = await h.app.inject({ method: "GET", url: "/v1/jobs", headers: user.auth });
    expect(list.json().items.every((j: object) => !("queue" in j))).toBe(true);
    await h.app.inject({ method: "DELETE", url: `/v1/jobs/${jobs[1]!.id}`, headers: user.auth });
    const canceled = await h.app.inject({ method: "GET", url: `/v1/jobs/${jobs[1]!.id}`, headers: user.auth });
    expect(canceled.json().status).toBe("canceled");
    expect(canceled.json().queue).toBeUndefined();
  });
});
