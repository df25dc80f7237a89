import { describe, expect, it } from "vitest";
import { createLaneScheduler } from "./lane-scheduler.ts";

const make = (batchEvery = 5) => createLaneScheduler({ batchEvery, buckets: 4, keyOf: (c, b) => `${c}.${b}` });
const drain = (s: ReturnType<typeof make>, n: number) => Array.from({ length: n }, () => s.pick()?.key ?? "-");

describe("lane scheduler", () => {
  it("serves interactive first but gives batch every Nth dispatch", () => {
    const s = make(3);
    s.update("interactive.0", 100, 0);
    s.update("batch.0", 100, 0);
    expect(drain(s, 6)).toEqual(["interactive.0", "interactive.0", "batch.0", "interactive.0", "interactive.0", "batch.0"]);
  });

  it("gives batch everything when no interactive work waits", () => {
    const s = make();
    s.update("batch.2", 2, 0);
    expect(drain(s, 3)).toEqual(["batch.2", "batch.2", "-"]);
  });

  it("round-robins across buckets with work, however deep one bucket is", () => {
    const s = make();
    s.update("interactive.1", 1000, 0);
    s.update("interactive.3", 1, 0);
    s.update("interactive.0", 2, 0);
    expect(drain(s, 6)).toEqual(["interactive.0", "interactive.1", "interactive.3", "interactive.0", "interactive.1", "interactive.1"]);
  });

  it("trusts a delivery's pending count and forgets a consumer that came back empty", () => {
    const s = make();
    s.update("interactive.2", 1, 0);
    expect(s.pick()?.key).toBe("interactive.2");
    s.delivered("interactive.2", 5);
    expect(s.backlog()).toBe(5);
    s.empty("interactive.2");
    expect(s.pick()).toBeUndefined();
  });

  it("lets one slot at a time probe a consumer holding only unacked messages", () => {
    const s = make();
    s.update("batch.1", 0, 2);
    expect(s.probe(10_000, 1000)?.key).toBe("batch.1");
    expect(s.probe(10_000, 1000)).toBeUndefined(); // another slot is probing
    s.probeDone();
    expect(s.probe(10_500, 1000)).toBeUndefined(); // probed too recently
    expect(s.probe(11_000, 1000)?.key).toBe("batch.1");
  });

  it("wakes waiting slots when work shows up", async () => {
    const s = make();
    const woke = s.wait(60_000);
    s.update("interactive.0", 1, 0);
    await woke;
    expect(s.pick()?.key).toBe("interactive.0");
  });
});

describe("lane scheduler signals", () => {
  it("counts each heard publish as waiting work and wakes a slot", async () => {
    const s = make();
    const woke = s.wait(60_000);
    s.signal("batch.3");
    s.signal("batch.3");
    await woke;
    expect(s.backlog()).toBe(2);
    expect(drain(s, 3)).toEqual(["batch.3", "batch.3", "-"]);
  });

  it("lets the server's count after a delivery correct what other replicas took", () => {
    const s = make();
    for (let i = 0; i < 5; i++) s.signal("interactive.1"); // heard 5; other replicas took 4 of them
    expect(s.pick()?.key).toBe("interactive.1");
    s.delivered("interactive.1", 0);
    expect(s.pick()).toBeUndefined();
  });
});
