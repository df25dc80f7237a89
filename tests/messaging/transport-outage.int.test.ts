import { startNats, type NatsServer } from "@mp4t/testing";
import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTransportOutage } from "@mp4t/messaging";

let nats: NatsServer;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNats();
  nc = await nats.connect();
});
afterAll(async () => {
  await nc?.close();
  await nats?.[Symbol.asyncDispose]();
});

/** The error a call raises, or a failure if it resolves. */
async function errorOf(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

describe("isTransportOutage against a real nats-server", () => {
  it("treats a request nobody answers (no responders) as an outage", async () => {
    const err = await errorOf(() => nc.request("mp4t.test.nobody-listens", "", { timeout: 2000 }));
    expect(isTransportOutage(err)).toBe(true);
    // nats.js wraps it in a RequestError; the no-responders error itself, as other calls raise it
    // unwrapped, is named "NoResponders" (the old list said "NoRespondersError" and missed it).
    const noResponders = (err as Error).cause as Error;
    expect(noResponders.name).toBe("NoResponders");
    expect(isTransportOutage(noResponders)).toBe(true);
  });

  it("treats a JetStream publish to a subject no stream captures as an outage", async () => {
    const err = await errorOf(() => jetstream(nc).publish("mp4t.test.no-stream", "x", { timeout: 2000 }));
    expect(isTransportOutage(err)).toBe(true);
  });

  it("treats a closed connection as an outage, and ordinary errors as not", async () => {
    const other = await nats.connect();
    await other.close();
    expect(isTransportOutage(await errorOf(() => other.request("mp4t.test.x", "", { timeout: 500 })))).toBe(true);
    expect(isTransportOutage(new Error("boom"))).toBe(false);
    expect(isTransportOutage(new TypeError("bad", { cause: new Error("deeper") }))).toBe(false);
  });
});
