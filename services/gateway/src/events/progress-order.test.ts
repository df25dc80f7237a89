import type { JobEvent } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { progressOrder } from "./progress-order.ts";

const at = "2026-12-03T00:00:00.000Z";
const ev = (jobId: string, type: JobEvent["type"], progress: number, run = 1, status: JobEvent["status"] = "processing") => ({
  event: { v: 1 as const, type, jobId, userId: "u", status, progress, at },
  run,
});
/** The events `order` lets through, as `type progress` strings. */
const passed = (events: ReturnType<typeof ev>[]) => {
  const inOrder = progressOrder();
  return events.filter((s) => inOrder(s)).map((s) => `${s.event.type} ${s.event.progress}`);
};

describe("progressOrder", () => {
  it("drops an event with less progress than one written before it in the same run; equal progress passes", () => {
    expect(
      passed([ev("j", "stage.started", 0.1), ev("j", "progress", 0.45), ev("j", "stage.done", 0.8), ev("j", "progress", 0.38), ev("j", "stage.started", 0.8)]),
    ).toEqual(["stage.started 0.1", "progress 0.45", "stage.done 0.8", "stage.started 0.8"]);
  });

  it("drops what a run publishes after its end, and lets a retry's run start again from 0", () => {
    expect(
      passed([
        ev("j", "progress", 0.5),
        ev("j", "failed", 0.5, 1, "failed"),
        ev("j", "progress", 0.45), // another replica's, stored after the failure
        ev("j", "progress", 0, 2), // the owner's retry (run 2) reopens it
        ev("j", "stage.started", 0, 2),
        ev("j", "progress", 0.05, 2),
        ev("j", "progress", 0.49, 1), // run 1's, later still
        ev("j", "failed", 0.5, 1, "failed"), // run 1's end again: superseded
        ev("j", "completed", 1, 2, "completed"),
        ev("j", "transcript.updated", 1, 2, "completed"),
      ]),
    ).toEqual(["progress 0.5", "failed 0.5", "progress 0", "stage.started 0", "progress 0.05", "completed 1", "transcript.updated 1"]);
  });

  it("keeps each job apart, and lets nothing of a deleted job through after its deletion but the deletion", () => {
    expect(
      passed([
        ev("a", "progress", 0.6),
        ev("b", "progress", 0.2),
        ev("a", "progress", 0.3),
        ev("b", "progress", 0.3),
        ev("a", "deleted", 0.6),
        ev("a", "progress", 0.1), // another replica's, stored after the deletion
        ev("a", "progress", 0.7, 2), // even of a later run
        ev("a", "failed", 0.7, 2, "failed"),
        ev("b", "progress", 0.4),
        ev("a", "deleted", 0.6), // announced again: still passes
      ]),
    ).toEqual(["progress 0.6", "progress 0.2", "progress 0.3", "deleted 0.6", "progress 0.4", "deleted 0.6"]);
  });

  it("remembers the 1,000 jobs seen last: the one seen longest ago is forgotten first", () => {
    const inOrder = progressOrder();
    expect(inOrder(ev("old", "progress", 0.5))).toBe(true);
    expect(inOrder(ev("kept", "progress", 0.5))).toBe(true);
    for (let i = 0; i < 998; i++) inOrder(ev(`j${i}`, "progress", 0.1));
    expect(inOrder(ev("kept", "progress", 0.4))).toBe(false); // still known
    inOrder(ev("one-more", "progress", 0.1)); // 1,001 jobs: "old" goes
    expect(inOrder(ev("kept", "progress", 0.4))).toBe(false);
    expect(inOrder(ev("old", "progress", 0.4))).toBe(true); // forgotten: taken as new
  });
});
