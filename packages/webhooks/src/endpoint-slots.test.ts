import { describe, expect, it } from "vitest";
import { type EndpointSlot, ORPHAN_MS, type SlotOps, freeSlot, takeSlot } from "./endpoint-slots.ts";

/** The slot algorithm over a plain map standing in for a store's atomic create (the adapters' own runs are in the conformance suite). */
function mapOps(endpoints: Set<string>) {
  const slots = new Map<string, EndpointSlot>();
  const ops: SlotOps = {
    taken: async (u) => [...slots].filter(([k]) => k.startsWith(`${u}:`)).map(([, s]) => s),
    take: async (u, s) => (slots.has(`${u}:${s.n}`) ? false : (slots.set(`${u}:${s.n}`, s), true)),
    free: async (u, s) => void (slots.get(`${u}:${s.n}`)?.endpointId === s.endpointId && slots.delete(`${u}:${s.n}`)),
    endpointExists: async (_u, id) => endpoints.has(id),
  };
  return { ops, slots };
}

describe("endpoint slots", () => {
  it("frees a slot whose endpoint never appeared only once it is old, and never one with an endpoint", async () => {
    const endpoints = new Set(["a"]);
    const { ops } = mapOps(endpoints);
    const t0 = Date.parse("2026-12-01T00:00:00Z");
    expect(await takeSlot(ops, "u", "a", 2, t0)).toBe(true);
    expect(await takeSlot(ops, "u", "crashed", 2, t0)).toBe(true); // its endpoint is never written
    expect(await takeSlot(ops, "u", "b", 2, t0 + 1000)).toBe(false);
    expect(await takeSlot(ops, "u", "b", 2, t0 + ORPHAN_MS + 1)).toBe(true);
    endpoints.add("b");
    expect(await takeSlot(ops, "u", "c", 2, t0 + 10 * ORPHAN_MS)).toBe(false);
  });

  it("frees the deleted endpoint's slot only, and a lowered cap holds for the slots above it", async () => {
    const { ops, slots } = mapOps(new Set(["a", "b", "c"]));
    for (const id of ["a", "b", "c"]) expect(await takeSlot(ops, "u", id, 3)).toBe(true);
    await freeSlot(ops, "u", "b");
    expect([...slots.values()].map((s) => s.endpointId).sort()).toEqual(["a", "c"]);
    expect(await takeSlot(ops, "u", "d", 2)).toBe(false); // slots 0 and 2 held: the cap of 2 is reached
    expect(await takeSlot(ops, "u", "d", 3)).toBe(true);
  });
});
