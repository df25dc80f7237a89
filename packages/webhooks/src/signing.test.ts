import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { newWebhookSecret, signWebhook, webhookHeaders } from "./signing.ts";

describe("Standard Webhooks signing", () => {
  it("makes secrets of 32 random bytes behind whsec_", () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), "base64")).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it("signs as the reference library does, and its verifier accepts our headers", () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: "job.completed", timestamp: "2030-01-01T00:00:00.000Z", data: { job: { id: "x" } } });
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    expect(signWebhook(secret, "msg_1", at.getTime() / 1000, body)).toBe(new Webhook(secret).sign("msg_1", at, body));
    const headers = webhookHeaders(secret, "msg_1", body, at.getTime());
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({ type: "job.completed" });
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });
});
