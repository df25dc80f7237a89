import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { newId } from "@mp4t/contracts";
import { silentLogger, startNats, type NatsServer } from "@mp4t/testing";
import { createAddressPolicy, createNatsKvWebhookStore, type WebhookStore } from "@mp4t/webhooks";
import { sampleDelivery, sampleEndpoint } from "@mp4t/webhooks/conformance";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordOutcome, webhookHandler, type WebhookDeliverySettings } from "../src/handlers/webhook.handler.ts";

/** The delivery handler against a real NATS KV store and a receiver on loopback. */
describe("webhook delivery handler", () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let store: WebhookStore;
  let server: Server;
  let base: string;
  const hits: string[] = [];
  beforeAll(async () => {
    nats = await startNats();
    nc = await nats.connect();
    store = await createNatsKvWebhookStore(nc, { prefix: "wh" });
    server = createServer((req, res) => {
      hits.push(req.url!);
      req.resume();
      if (req.url === "/redirect") return res.writeHead(302, { location: "http://169.254.169.254/" }).end();
      if (req.url === "/hang") return; // never answers
      if (req.url === "/big") return res.writeHead(500).end("x".repeat(5_000_000));
      res.writeHead(204).end();
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    server?.close();
    await store?.close();
    await nc?.close();
    await nats?.[Symbol.asyncDispose]();
  });

  const settings = (allowLoopback: boolean): WebhookDeliverySettings => ({
    target: { policy: createAddressPolicy({ allowLoopback }), requireHttps: false },
    timeoutMs: 500,
    scheduleMs: [1000, 2000],
    disableAfterFailures: 100,
    disableAfterMs: 0,
  });
  async function setUp(path: string) {
    const ep = sampleEndpoint(newId(), { url: `${base}${path}` });
    await store.createEndpoint(ep, 10);
    const d = sampleDelivery(ep);
    await store.createDelivery(d);
    const msg = { v: 1 as const, jobId: d.jobId, userId: ep.userId, endpointId: ep.id, deliveryId: d.id, attempt: 1 };
    return { ep, d, msg };
  }

  it("delivers once: a replayed or stale attempt does nothing", async () => {
    const { d, msg } = await setUp("/ok");
    const handle = webhookHandler({ store, settings: settings(true), logger: silentLogger() });
    await handle(msg);
    await handle(msg);
    await handle({ ...msg, attempt: 3 });
    expect(hits.filter((h) => h === "/ok")).toHaveLength(1);
    expect(await store.getDelivery(d.endpointId, d.id)).toMatchObject({ status: "succeeded", attempts: 1, lastStatusCode: 204, nextAttemptAt: null });
  });

  it("checks the target again at delivery time and sends nothing to an address no longer allowed", async () => {
    const { d, msg } = await setUp("/refused");
    const t0 = Date.now();
    await webhookHandler({ store, settings: settings(false), logger: silentLogger() })(msg);
    expect(hits).not.toContain("/refused");
    const after = await store.getDelivery(d.endpointId, d.id);
    expect(after).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatusCode: null,
      lastError: expect.stringMatching(/target refused: .*non-public address \(127\.0\.0\.1\)/),
    });
    expect(Date.parse(after!.nextAttemptAt!) - t0).toBeGreaterThanOrEqual(1000); // the schedule's first delay
  });

  it("does not follow redirects, gives up on a silent receiver after the timeout, and reads little of a large answer", async () => {
    const handle = webhookHandler({ store, settings: settings(true), logger: silentLogger() });
    for (const [path, error] of [
      ["/redirect", /answered 302/],
      ["/hang", /no response within 500 ms/],
      ["/big", /answered 500/],
    ] as const) {
      const { d, msg } = await setUp(path);
      await handle(msg);
      expect(await store.getDelivery(d.endpointId, d.id), path).toMatchObject({ status: "pending", lastError: expect.stringMatching(error) });
    }
    expect(hits.filter((h) => h === "/redirect")).toHaveLength(1);
  });

  it("fails the delivery after the last scheduled attempt", async () => {
    const { d, msg } = await setUp("/hang");
    await store.updateDelivery(d.endpointId, d.id, (c) => ({ ...c, attempts: 2 }));
    await webhookHandler({ store, settings: settings(true), logger: silentLogger() })({ ...msg, attempt: 3 });
    expect(await store.getDelivery(d.endpointId, d.id)).toMatchObject({ status: "failed", attempts: 3, nextAttemptAt: null });
  });
});

describe("recordOutcome", () => {
  const s = { disableAfterFailures: 3, disableAfterMs: 60_000 } as WebhookDeliverySettings;
  const ep = sampleEndpoint("u1");
  it("disables only after enough failures in a row over enough time, and a success clears the count", () => {
    const t0 = Date.parse("2030-01-01T00:00:00.000Z");
    let e = recordOutcome(ep, false, s, t0);
    e = recordOutcome(e, false, s, t0 + 1000);
    e = recordOutcome(e, false, s, t0 + 2000);
    expect(e).toMatchObject({ enabled: true, consecutiveFailures: 3, failingSince: "2030-01-01T00:00:00.000Z" });
    e = recordOutcome(e, false, s, t0 + 60_000);
    expect(e).toMatchObject({ enabled: false, disabledReason: expect.stringContaining("4 failed delivery attempts") });
    expect(recordOutcome({ ...ep, consecutiveFailures: 9, failingSince: "2030-01-01T00:00:00.000Z" }, true, s, t0)).toMatchObject({
      consecutiveFailures: 0,
      failingSince: null,
      enabled: true,
    });
  });
});
