import { newId } from "@mp4t/contracts";
import { describe, expect, it } from "vitest";
import { newWebhookSecret } from "../signing.ts";
import { deliveryIdOf, type WebhookDelivery, type WebhookEndpoint, type WebhookStore } from "../store.ts";

const now = () => new Date().toISOString();
export const sampleEndpoint = (userId: string, over: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
  id: newId(),
  userId,
  url: "https://hooks.example.test/in",
  events: ["job.completed"],
  description: "",
  enabled: true,
  disabledReason: null,
  secret: newWebhookSecret(),
  consecutiveFailures: 0,
  failingSince: null,
  createdAt: now(),
  updatedAt: now(),
  ...over,
});
export const sampleDelivery = (ep: WebhookEndpoint, over: Partial<WebhookDelivery> = {}): WebhookDelivery => {
  const jobId = over.jobId ?? newId();
  return {
    id: deliveryIdOf(jobId, "job.completed"),
    endpointId: ep.id,
    userId: ep.userId,
    jobId,
    event: "job.completed",
    status: "pending",
    attempts: 0,
    lastStatusCode: null,
    lastError: null,
    nextAttemptAt: now(),
    retryFrom: 0,
    body: "{}",
    createdAt: now(),
    updatedAt: now(),
    ...over,
  };
};

/** Every WebhookStore adapter must pass this suite. `make` returns a fresh, empty store. */
export function webhookStoreConformance(name: string, make: () => Promise<{ store: WebhookStore; cleanup(): Promise<void> }>) {
  describe(`WebhookStore conformance: ${name}`, () => {
    const withStore = async (fn: (s: WebhookStore) => Promise<void>) => {
      const { store, cleanup } = await make();
      try {
        await fn(store);
      } finally {
        await store.close();
        await cleanup();
      }
    };

    it("keeps endpoints per user, up to the limit, and never shows one user's to another", () =>
      withStore(async (s) => {
        const [a, b] = [newId(), newId()];
        const e1 = sampleEndpoint(a);
        const e2 = sampleEndpoint(a);
        expect(await s.createEndpoint(e1, 2)).toBe(true);
        expect(await s.createEndpoint(e2, 2)).toBe(true);
        expect(await s.createEndpoint(sampleEndpoint(a), 2)).toBe(false);
        expect(await s.createEndpoint(sampleEndpoint(b), 2)).toBe(true);
        expect((await s.listEndpoints(a)).map((e) => e.id)).toEqual([e1.id, e2.id].sort());
        expect(await s.getEndpoint(a, e1.id)).toEqual(e1);
        expect(await s.getEndpoint(b, e1.id)).toBeNull();
        expect(await s.updateEndpoint(b, e1.id, (e) => ({ ...e, enabled: false }))).toBeNull();
        expect(await s.deleteEndpoint(b, e1.id)).toBe(false);
      }));

    it("holds the per-user cap under concurrent creates, and a delete frees a place", () =>
      withStore(async (s) => {
        const user = newId();
        const tries = Array.from({ length: 12 }, () => sampleEndpoint(user));
        const created = await Promise.all(tries.map((e) => s.createEndpoint(e, 3)));
        expect(created.filter(Boolean)).toHaveLength(3);
        const kept = await s.listEndpoints(user);
        expect(kept.map((e) => e.id).sort()).toEqual(
          tries
            .filter((_, i) => created[i])
            .map((e) => e.id)
            .sort(),
        );
        expect(await s.createEndpoint(sampleEndpoint(user), 3)).toBe(false);
        expect(await s.deleteEndpoint(user, kept[1]!.id)).toBe(true);
        const again = await Promise.all([sampleEndpoint(user), sampleEndpoint(user)].map((e) => s.createEndpoint(e, 3)));
        expect(again.filter(Boolean)).toHaveLength(1);
        expect(await s.listEndpoints(user)).toHaveLength(3);
      }));

    it("updates endpoints by compare-and-set, keeping identity fields", () =>
      withStore(async (s) => {
        const e = sampleEndpoint(newId());
        await s.createEndpoint(e, 10);
        const updated = await s.updateEndpoint(e.userId, e.id, (c) => ({ ...c, enabled: false, disabledReason: "why", userId: "other" }));
        expect(updated).toMatchObject({ enabled: false, disabledReason: "why", userId: e.userId, id: e.id });
        expect(await s.updateEndpoint(e.userId, e.id, () => undefined)).toEqual(updated);
        // Racing increments: none is lost.
        await Promise.all(Array.from({ length: 8 }, () => s.updateEndpoint(e.userId, e.id, (c) => ({ ...c, consecutiveFailures: c.consecutiveFailures + 1 }))));
        expect((await s.getEndpoint(e.userId, e.id))?.consecutiveFailures).toBe(8);
      }));

    it("records deliveries once, lists them newest first and deletes them with their endpoint", () =>
      withStore(async (s) => {
        const e = sampleEndpoint(newId());
        await s.createEndpoint(e, 10);
        const d1 = sampleDelivery(e, { createdAt: "2030-01-01T00:00:00.000Z" });
        const d2 = sampleDelivery(e, { createdAt: "2030-01-02T00:00:00.000Z" });
        expect(await s.createDelivery(d1)).toBe(true);
        expect(await s.createDelivery({ ...d1, attempts: 3 })).toBe(false);
        expect(await s.createDelivery(d2)).toBe(true);
        expect((await s.listDeliveries(e.id, 10)).map((d) => d.id)).toEqual([d2.id, d1.id]);
        expect((await s.listDeliveries(e.id, 1)).map((d) => d.id)).toEqual([d2.id]);
        expect(await s.getDelivery(e.id, d1.id)).toEqual(d1);
        expect(await s.deleteEndpoint(e.userId, e.id)).toBe(true);
        expect(await s.getDelivery(e.id, d1.id)).toBeNull();
        expect(await s.listDeliveries(e.id, 10)).toEqual([]);
        expect(await s.dueDeliveries(new Date("2100-01-01T00:00:00Z"), 10)).toEqual([]);
      }));

    it("finds pending deliveries once due, and stops finding them when they end", () =>
      withStore(async (s) => {
        const e = sampleEndpoint(newId());
        await s.createEndpoint(e, 10);
        const soon = sampleDelivery(e, { nextAttemptAt: "2030-01-01T00:00:10.000Z" });
        const later = sampleDelivery(e, { nextAttemptAt: "2030-01-01T01:00:00.000Z" });
        const done = sampleDelivery(e, { status: "succeeded", nextAttemptAt: null, attempts: 1 });
        for (const d of [soon, later, done]) await s.createDelivery(d);
        expect(await s.dueDeliveries(new Date("2030-01-01T00:00:00.000Z"), 10)).toEqual([]);
        expect((await s.dueDeliveries(new Date("2030-01-01T00:00:10.000Z"), 10)).map((d) => d.id)).toEqual([soon.id]);
        expect((await s.dueDeliveries(new Date("2030-01-02T00:00:00.000Z"), 10)).map((d) => d.id)).toEqual([soon.id, later.id]);
        expect((await s.dueDeliveries(new Date("2030-01-02T00:00:00.000Z"), 1)).map((d) => d.id)).toEqual([soon.id]);
        const ended = await s.updateDelivery(e.id, soon.id, (d) => ({ ...d, status: "succeeded", attempts: 1, nextAttemptAt: null, lastStatusCode: 204 }));
        expect(ended).toMatchObject({ status: "succeeded", attempts: 1, lastStatusCode: 204, jobId: soon.jobId });
        expect((await s.dueDeliveries(new Date("2030-01-02T00:00:00.000Z"), 10)).map((d) => d.id)).toEqual([later.id]);
        expect(await s.updateDelivery(e.id, "01jzzzzzzzzzzzzzzzzzzzzzzz-completed", (d) => d)).toBeNull();
      }));
  });
}
