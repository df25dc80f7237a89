import { Streams, type Job } from "@mp4t/contracts";
import { createPublisher, ensureTopology } from "@mp4t/messaging/internal";
import { newId } from "@mp4t/contracts";
import { createNatsKvJobStore, type JobStore } from "@mp4t/stores";
import { sampleJob } from "@mp4t/stores/conformance";
import { silentLogger, startNats, type NatsServer } from "@mp4t/testing";
import { createNatsKvWebhookStore, deliveryIdOf, type WebhookStore } from "@mp4t/webhooks";
import { sampleEndpoint } from "@mp4t/webhooks/conformance";
import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fanOutJobEnd, publishDueAttempts, type DispatchDeps } from "../src/webhooks/dispatch.ts";

/** From a job's end to queued webhook attempts, on a real nats-server. */
describe("webhook dispatch", () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let store: WebhookStore;
  let jobs: JobStore;
  let deps: DispatchDeps;
  beforeAll(async () => {
    nats = await startNats();
    nc = await nats.connect();
    jsm = await jetstreamManager(nc);
    await ensureTopology(jsm);
    store = await createNatsKvWebhookStore(nc);
    jobs = await createNatsKvJobStore(nc);
    deps = { store, jobs, publisher: createPublisher(jetstream(nc), { service: "janitor" }), logger: silentLogger() };
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.[Symbol.asyncDispose]();
  });

  /** Webhook attempt messages queued for one endpoint (taken off the work queue). */
  const queued = async (endpointId: string) => {
    const c = await jsm.consumers.add(Streams.lane("low"), { filter_subject: "mp4t.v1.work.low.webhook.>", ack_policy: AckPolicy.Explicit });
    const out: { attempt: number; deliveryId: string }[] = [];
    const consumer = await jetstream(nc).consumers.get(Streams.lane("low"), c.name);
    for (;;) {
      const m = await consumer.next({ expires: 1000 });
      if (!m) break;
      m.ack();
      const msg = m.json<{ endpointId: string; attempt: number; deliveryId: string }>();
      if (msg.endpointId === endpointId) out.push({ attempt: msg.attempt, deliveryId: msg.deliveryId });
    }
    await jsm.consumers.delete(Streams.lane("low"), c.name);
    return out;
  };

  async function endedJob(userId: string, status: Job["status"]) {
    const job = sampleJob(userId, { status, progress: 1, chunks: { count: 1, done: [0] } });
    await jobs.createJob(job);
    return { v: 1 as const, type: status as "completed", jobId: job.id, userId, status, progress: 1, at: new Date().toISOString() };
  }

  it("records one delivery per endpoint that takes the event, queues its first attempt once, and skips the rest", async () => {
    const userId = newId();
    const wants = sampleEndpoint(userId, { events: ["job.completed"] });
    const other = sampleEndpoint(userId, { events: ["job.failed"] });
    const off = sampleEndpoint(userId, { events: ["job.completed"], enabled: false });
    for (const e of [wants, other, off]) await store.createEndpoint(e, 10);
    const event = await endedJob(userId, "completed");
    expect(await fanOutJobEnd(deps, event)).toBe(1);
    expect(await fanOutJobEnd(deps, event)).toBe(1); // a replayed event
    expect(await fanOutJobEnd(deps, { ...event, type: "progress" as never })).toBe(0);
    const id = deliveryIdOf(event.jobId, "job.completed");
    const d = await store.getDelivery(wants.id, id);
    expect(d).toMatchObject({ status: "pending", attempts: 0, event: "job.completed", jobId: event.jobId });
    const body = JSON.parse(d!.body) as { type: string; data: { job: Record<string, unknown> } };
    expect(body).toMatchObject({ type: "job.completed", timestamp: event.at, data: { job: { id: event.jobId, status: "completed" } } });
    expect(body.data.job).not.toHaveProperty("userId");
    expect(body.data.job).not.toHaveProperty("chunks");
    expect(await queued(wants.id)).toEqual([{ attempt: 1, deliveryId: id }]);
    expect(await store.listDeliveries(other.id, 10)).toEqual([]);
    expect(await store.listDeliveries(off.id, 10)).toEqual([]);
  });

  it("publishes each due attempt once, however often the scan runs", async () => {
    const userId = newId();
    const ep = sampleEndpoint(userId, { events: ["job.failed"] });
    await store.createEndpoint(ep, 10);
    const event = await endedJob(userId, "failed");
    await fanOutJobEnd(deps, event);
    const id = deliveryIdOf(event.jobId, "job.failed");
    await store.updateDelivery(ep.id, id, (c) => ({ ...c, attempts: 1, nextAttemptAt: new Date(Date.now() - 1000).toISOString() }));
    await publishDueAttempts(deps);
    await publishDueAttempts(deps);
    expect(await queued(ep.id)).toEqual([
      { attempt: 1, deliveryId: id },
      { attempt: 2, deliveryId: id },
    ]);
    expect(Date.parse((await store.getDelivery(ep.id, id))!.nextAttemptAt!)).toBeGreaterThan(Date.now() + 30_000);
  });
});
