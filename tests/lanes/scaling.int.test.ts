import { Streams } from "@mp4t/contracts";
import { createQueueInspector } from "@mp4t/messaging/internal";
import { describe, expect, it } from "vitest";
import { startLane } from "./lanes-harness.ts";

describe("autoscaling and recycling within a replica", () => {
  it("grows concurrency from min to max while a backlog waits", async () => {
    await using lane = await startLane({ concurrency: 1, autoscale: { min: 1, max: 4 }, handlerMs: 40, pollMs: 100 });
    for (let i = 0; i < 80; i++) await lane.submit(`u${i % 4}`, "batch");
    await lane.worker.start();
    expect(lane.worker.stats().concurrency).toBe(1);
    await lane.until((d) => d.length === 80);
    expect(lane.peakInFlight()).toBe(4);
    expect(lane.worker.stats().autoscale).toEqual({ min: 1, max: 4 });
  });

  it("steps back down to its floor one slot at a time once the backlog is gone, with no re-read of it meanwhile", async () => {
    await using lane = await startLane({ concurrency: 1, autoscale: { min: 1, max: 4 }, handlerMs: 40, pollMs: 100, scaleDownEveryMs: 1500 });
    for (let i = 0; i < 80; i++) await lane.submit(`u${i % 4}`, "batch");
    await lane.worker.start();
    await lane.until((d) => d.length === 80);
    const grown = lane.worker.stats().concurrency;
    expect(grown).toBeGreaterThan(1);
    // The backlog re-reads the worker makes (its busy ticker re-read every 2 s) from its first step down on.
    const api: string[] = [];
    const seen: { at: number; concurrency: number }[] = [{ at: Date.now(), concurrency: grown }];
    const t0 = Date.now();
    for (let c = grown; c > 1 && Date.now() - t0 < 15_000; ) {
      await new Promise((r) => setTimeout(r, 20));
      c = lane.worker.stats().concurrency;
      if (c === seen.at(-1)!.concurrency) continue;
      seen.push({ at: Date.now(), concurrency: c });
      if (seen.length === 2) {
        lane.nc.subscribe("$JS.API.STREAM.INFO.>", { callback: (_e, m) => void api.push(m.subject) });
        lane.nc.subscribe("$JS.API.CONSUMER.LIST.>", { callback: (_e, m) => void api.push(m.subject) });
        await lane.nc.flush();
      }
    }
    expect(lane.worker.stats().concurrency).toBe(1);
    // One slot per step, the steps at least scaleDownEveryMs apart (less what polling every 20 ms can miss).
    expect(seen.map((s) => s.concurrency)).toEqual(Array.from({ length: grown }, (_, i) => grown - i));
    for (let i = 2; i < seen.length; i++) expect(seen[i]!.at - seen[i - 1]!.at).toBeGreaterThanOrEqual(1300);
    // Settling is idle: no backlog re-read between the steps.
    expect(api).toEqual([]);
  });

  it("recycles after N jobs: stops pulling, finishes in-flight work, then hands over, losing nothing", async () => {
    let recycled!: (reason: string) => void;
    const handedOver = new Promise<string>((r) => (recycled = r));
    await using lane = await startLane({ concurrency: 2, handlerMs: 5, pollMs: 100, recycle: { afterJobs: 10, maxRssMb: 0 }, onRecycle: (r) => recycled(r) });
    for (let i = 0; i < 30; i++) await lane.submit("u1", "interactive");
    await lane.worker.start();
    expect(await handedOver).toBe("jobs");
    await lane.settle();
    const { processed, inFlight, recycling } = lane.worker.stats();
    expect(recycling).toBe("jobs");
    expect(inFlight).toBe(0);
    expect(processed).toBeGreaterThanOrEqual(10);
    expect(processed).toBeLessThanOrEqual(11); // the other slot's job, already started, finished
    // The rest waits for the next replica. Awaited: the server removes acked messages just after the ack.
    await expect.poll(async () => (await lane.jsm.streams.info(Streams.lane("default"))).state.messages, { timeout: 5000 }).toBe(30 - processed);
  });
});

describe("lane visibility", () => {
  it("reports pending, in flight and the oldest wait per lane and class", async () => {
    await using lane = await startLane({ concurrency: 1, handlerMs: 5, pollMs: 100 });
    for (let i = 0; i < 3; i++) await lane.submit("u1", "batch");
    await lane.submit("u2", "interactive");
    // Before any worker made its consumers, stored messages count as waiting.
    const before = await createQueueInspector(async () => lane.jsm).lanes();
    expect(before.find((v) => v.lane === "default" && v.class === "batch")).toMatchObject({ pending: 3, inFlight: 0 });
    expect(before.find((v) => v.lane === "default" && v.class === "interactive")!.oldestWaitingSec).not.toBeNull();
    expect(before.filter((v) => v.lane === "high").map((v) => v.pending)).toEqual([0, 0]);

    await lane.worker.start();
    await lane.until((d) => d.length === 4);
    await lane.settle();
    // Polled: nats-server applies an ack on the consumer's own goroutine, just after the flush that
    // carried it returns, so a read right after can still count the last message in flight (seen once, 2026-12-05).
    await expect
      .poll(async () => (await createQueueInspector(async () => lane.jsm).lanes()).find((v) => v.lane === "default" && v.class === "batch"), { timeout: 5000 })
      .toMatchObject({ pending: 0, inFlight: 0, oldestWaitingSec: null });
  });
});
