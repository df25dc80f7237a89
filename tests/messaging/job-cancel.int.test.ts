import { startNats, type NatsServer } from "@mp4t/testing";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "@mp4t/contracts";
import { createMessagingPorts, watchJobEnd } from "@mp4t/messaging";
import { createPublisher, ensureTopology } from "@mp4t/messaging/internal";

let nats: NatsServer;
let nc: NatsConnection;
beforeAll(async () => {
  nats = await startNats();
  nc = await nats.connect();
  await ensureTopology(await jetstreamManager(nc));
});
afterAll(async () => {
  await nc?.close();
  await nats?.[Symbol.asyncDispose]();
});

const event = (jobId: string, type: "progress" | "canceled" | "failed", progress = 0.5) => ({
  v: 1 as const,
  type,
  jobId,
  userId: "u1",
  status: type === "progress" ? ("processing" as const) : type,
  progress,
  at: new Date().toISOString(),
});

describe("JobEvents.watchEnd", () => {
  it("aborts on the job's canceled or failed event, not on progress or on other jobs' events", async () => {
    const publisher = createPublisher(jetstream(nc), { service: "test" });
    for (const end of ["canceled", "failed"] as const) {
      const jobId = newId();
      const watch = createMessagingPorts(nc, { service: "test" }).events.watchEnd(jobId, new AbortController().signal);
      await watch.ready;
      const aborted = new Promise((r) => watch.signal.addEventListener("abort", r, { once: true }));
      await publisher.event(event(jobId, "progress"));
      await publisher.event(event(newId(), end));
      await nc.flush();
      expect(watch.signal.aborted).toBe(false);
      await publisher.event(event(jobId, end, 0.6));
      await aborted;
      expect(watch.ended()).toBe(true);
      expect((watch.signal.reason as { code?: string }).code).toBe("CANCELED");
      watch[Symbol.dispose]();
    }
  });

  it("also hears a cancel on the job's untyped subject, where a gateway of an earlier release publishes it during an upgrade", async () => {
    const jobId = newId();
    const watch = createMessagingPorts(nc, { service: "test" }).events.watchEnd(jobId, new AbortController().signal);
    await watch.ready;
    const aborted = new Promise((r) => watch.signal.addEventListener("abort", r, { once: true }));
    const legacy = (e: ReturnType<typeof event>) => jetstream(nc).publish(`mp4t.v1.events.${e.jobId}`, JSON.stringify(e));
    await legacy(event(jobId, "progress"));
    await nc.flush();
    expect(watch.signal.aborted).toBe(false);
    await legacy(event(jobId, "canceled", 0.6));
    await aborted;
    expect(watch.ended()).toBe(true);
    expect(watch.purged()).toBe(true);
    watch[Symbol.dispose]();
  });

  it("shares the connection's subscriptions between watches, and a disposed watch hears nothing more", async () => {
    // The real connection, with its subscribe calls counted.
    let subscribes = 0;
    const counted = new Proxy(nc, {
      get(target, key) {
        const value = Reflect.get(target, key) as unknown;
        if (key === "subscribe") subscribes++;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const ports = createMessagingPorts(counted, { service: "test" });
    const jobs = Array.from({ length: 50 }, () => newId());
    for (const jobId of jobs) {
      const w = ports.events.watchEnd(jobId, new AbortController().signal);
      await w.ready;
      w[Symbol.dispose]();
    }
    expect(subscribes).toBe(4); // canceled, failed, deleted and the untyped subject, once for the connection

    const jobId = jobs[0]!;
    const kept = ports.events.watchEnd(jobId, new AbortController().signal);
    const dropped = ports.events.watchEnd(jobId, new AbortController().signal);
    await Promise.all([kept.ready, dropped.ready]);
    dropped[Symbol.dispose]();
    const aborted = new Promise((r) => kept.signal.addEventListener("abort", r, { once: true }));
    await createPublisher(jetstream(nc), { service: "test" }).event(event(jobId, "canceled", 0.6));
    await aborted;
    await nc.flush();
    expect(kept.purged()).toBe(true);
    expect(dropped.signal.aborted).toBe(false);
    expect(dropped.ended()).toBe(false);
    kept[Symbol.dispose]();
    expect(subscribes).toBe(4);
  });

  it("passes the runner's own abort through without calling it the job's end, and watches nothing without a connection", async () => {
    const parent = new AbortController();
    const watch = watchJobEnd(undefined, newId(), parent.signal);
    await watch.ready;
    expect(watch.signal.aborted).toBe(false);
    parent.abort(new Error("deadline"));
    expect(watch.signal.aborted).toBe(true);
    expect(watch.ended()).toBe(false);
    watch[Symbol.dispose]();
  });
});
