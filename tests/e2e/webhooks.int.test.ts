import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job } from "@mp4t/contracts";
import { makeLibrivoxMp4, makeRandomBytes } from "@mp4t/testing";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, login, startSystem, untilEnded, type RunningSystem } from "./system.ts";
import { startReceiver } from "./webhook-receiver.ts";

type Endpoint = { id: string; secret: string; enabled: boolean; disabledReason: string | null };
type Delivery = {
  id: string;
  event: string;
  jobId: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
};

/**
 * Webhooks through the whole system (`npm start`'s processes, the development profile, so the
 * loopback receiver is allowed): a real MP4 through the pipeline, then the janitor's deliveries,
 * retries on a schedule of fractions of a second, automatic disabling and a re-send.
 */
describe("webhooks end to end", () => {
  let sys: RunningSystem;
  let media: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    media = await mkdtemp(join(tmpdir(), "mp4t-media-"));
    receiver = await startReceiver({ "/ok": [204], "/flaky": [500, 500, 200], "/down": [500], "/failures": [200] });
    sys = await startSystem({
      WEBHOOK_RETRY_SCHEDULE: "300ms,300ms,300ms",
      WEBHOOK_RETRY_POLL_MS: "100",
      WEBHOOK_DISABLE_AFTER_FAILURES: "3",
      WEBHOOK_DISABLE_AFTER_SEC: "0",
      WEBHOOK_TIMEOUT_MS: "5000",
    });
  }, 120_000);
  afterAll(async () => {
    const code = await sys?.stop();
    await receiver?.close();
    await rm(media, { recursive: true, force: true });
    expect(code).toBe(0);
  }, 60_000);

  /** Polls an API read until `done` holds (the delivery log is written by another process). */
  async function until<T>(path: string, token: string, done: (body: T) => boolean, timeoutMs = 60_000): Promise<T> {
    const t0 = Date.now();
    for (;;) {
      const r = await api<T>(sys.url, path, { token });
      expect(r.status, r.text).toBe(200);
      if (done(r.body)) return r.body;
      if (Date.now() - t0 > timeoutMs) throw new Error(`${path} never reached the state: ${r.text}\n${sys.output()}`);
      await new Promise((res) => setTimeout(res, 200));
    }
  }

  it("signs job.completed, retries a failing receiver, disables a dead one, re-sends, and keeps it all to the owner", async () => {
    const email = "hooks@e2e.test";
    expect((await api(sys.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email, password: "correct horse" }) })).status).toBe(201);
    const token = await login(sys.url, email, "correct horse");
    const create = async (path: string) => {
      const r = await api<Endpoint>(sys.url, "/v1/webhooks", {
        method: "POST",
        token,
        body: JSON.stringify({ url: `${receiver.base}${path}`, events: ["job.completed", "job.failed"] }),
      });
      expect(r.status, r.text).toBe(201);
      return r.body;
    };
    const [ok, flaky, down] = [await create("/ok"), await create("/flaky"), await create("/down")];

    const { path } = await makeLibrivoxMp4(media, { clips: 2 }); // a real job; its words are not under test
    const form = new FormData();
    form.append("file", new Blob([await readFile(path)], { type: "video/mp4" }), "librivox.mp4");
    const created = await api<Job>(sys.url, "/v1/jobs", { method: "POST", body: form, token });
    expect(created.status, created.text).toBe(202);
    const job = await untilEnded(sys, token, created.body.id, 240_000);
    expect(job.status).toBe("completed");

    // A valid Standard Webhooks signature, checked by the reference library.
    const [first] = await receiver.next("/ok", 1);
    const payload = new Webhook(ok.secret).verify(first!.body, first!.headers as Record<string, string>) as {
      type: string;
      timestamp: string;
      data: { job: Job };
    };
    expect(payload.type).toBe("job.completed");
    expect(payload.data.job).toMatchObject({ id: job.id, status: "completed", fileName: "librivox.mp4" });
    expect(payload.data.job).not.toHaveProperty("userId");
    expect(() => new Webhook(flaky.secret).verify(first!.body, first!.headers as Record<string, string>)).toThrow();

    // 500, 500, then 200: the third attempt lands, with the same webhook-id each time.
    const flakyHits = await receiver.next("/flaky", 3);
    expect(new Set(flakyHits.map((r) => r.headers["webhook-id"])).size).toBe(1);
    const flakyLog = await until<{ items: Delivery[] }>(`/v1/webhooks/${flaky.id}/deliveries`, token, (b) => b.items[0]?.status === "succeeded");
    expect(flakyLog.items).toEqual([
      expect.objectContaining({
        event: "job.completed",
        jobId: job.id,
        status: "succeeded",
        attempts: 3,
        lastStatusCode: 200,
        lastError: null,
        nextAttemptAt: null,
      }),
    ]);

    // Always 500: disabled after three failures in a row; the delivery ends failed.
    const disabled = await until<Endpoint>(`/v1/webhooks/${down.id}`, token, (b) => !b.enabled);
    expect(disabled.disabledReason).toMatch(/3 failed delivery attempts in a row/);
    const downLog = await until<{ items: Delivery[] }>(`/v1/webhooks/${down.id}/deliveries`, token, (b) => b.items[0]?.status === "failed");
    expect(downLog.items[0]).toMatchObject({ attempts: 3, lastStatusCode: 500, nextAttemptAt: null });
    expect(receiver.received("/down")).toHaveLength(3);
    const refused = await api<{ error: { code: string } }>(sys.url, `/v1/webhooks/${down.id}/deliveries/${downLog.items[0]!.id}/resend`, {
      method: "POST",
      token,
    });
    expect([refused.status, refused.body.error.code]).toEqual([409, "WEBHOOK_DISABLED"]);

    // Re-send: the same payload and webhook-id again, freshly signed; the log counts the attempt.
    const okLog = await until<{ items: Delivery[] }>(`/v1/webhooks/${ok.id}/deliveries`, token, (b) => b.items[0]?.status === "succeeded");
    const resent = await api(sys.url, `/v1/webhooks/${ok.id}/deliveries/${okLog.items[0]!.id}/resend`, { method: "POST", token });
    expect(resent.status, resent.text).toBe(202);
    const [, again] = await receiver.next("/ok", 2);
    expect(again!.body).toBe(first!.body);
    expect(again!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(new Webhook(ok.secret).verify(again!.body, again!.headers as Record<string, string>)).toMatchObject({ type: "job.completed" });
    await until<{ items: Delivery[] }>(`/v1/webhooks/${ok.id}/deliveries`, token, (b) => b.items[0]?.status === "succeeded" && b.items[0].attempts === 2);

    // Another user sees none of it.
    await api(sys.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email: "other@e2e.test", password: "correct horse" }) });
    const other = await login(sys.url, "other@e2e.test", "correct horse");
    expect((await api(sys.url, `/v1/webhooks/${ok.id}/deliveries`, { token: other })).status).toBe(404);
    expect((await api(sys.url, "/v1/webhooks", { token: other })).body).toEqual({ items: [] });
  }, 360_000);

  it("sends job.failed for an upload that is not media, only to endpoints that asked for it", async () => {
    const email = "failures@e2e.test";
    await api(sys.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email, password: "correct horse" }) });
    const token = await login(sys.url, email, "correct horse");
    const hook = async (path: string, events: string[]) =>
      (await api<Endpoint>(sys.url, "/v1/webhooks", { method: "POST", token, body: JSON.stringify({ url: `${receiver.base}${path}`, events }) })).body;
    const failures = await hook("/failures", ["job.failed"]);
    const completions = await hook("/completions", ["job.completed"]);
    const form = new FormData();
    form.append("file", new Blob([await readFile(await makeRandomBytes(media))], { type: "video/mp4" }), "noise.mp4");
    const created = await api<Job>(sys.url, "/v1/jobs", { method: "POST", body: form, token });
    expect(created.status, created.text).toBe(202);
    expect((await untilEnded(sys, token, created.body.id)).status).toBe("failed");

    const [hit] = await receiver.next("/failures", 1);
    const payload = new Webhook(failures.secret).verify(hit!.body, hit!.headers as Record<string, string>) as { type: string; data: { job: Job } };
    expect(payload.type).toBe("job.failed");
    expect(payload.data.job).toMatchObject({ id: created.body.id, status: "failed", error: { code: "MEDIA_UNREADABLE" } });
    const log = await until<{ items: Delivery[] }>(`/v1/webhooks/${failures.id}/deliveries`, token, (b) => b.items[0]?.status === "succeeded");
    expect(log.items[0]).toMatchObject({ event: "job.failed", attempts: 1, lastStatusCode: 200 });
    expect((await api<{ items: Delivery[] }>(sys.url, `/v1/webhooks/${completions.id}/deliveries`, { token })).body.items).toEqual([]);
    expect(receiver.received("/completions")).toEqual([]);
  }, 120_000);
});
