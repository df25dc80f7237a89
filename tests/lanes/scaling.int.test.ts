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
    const left = (await lane.jsm.streams.info(Streams.lane("default"))).state.messages;
    expect(left).toBe(30 - processed); // the rest waits for the next replica
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
    const after = await createQueueInspector(async () => lane.jsm).lanes();
    expect(after.find((v) => v.lane === "default" && v.class === "batch")).toMatchObject({ pending: 0, inFlight: 0, oldestWaitingSec: null });
  });
});
