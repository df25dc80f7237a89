import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { JOB_EVENT_TYPES, type Job } from "@mp4t/contracts";
import { makeLibrivoxMp4, makeSilenceWav, startFakeOpenAi, type FakeOpenAiServer } from "@mp4t/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.ts";
import { api, login, startSystem, untilEnded, type RunningSystem } from "./system.ts";

type Key = { id: string; key: string };
type ApiError = { error: { code: string } };

/**
 * What an integration does, against the whole system (`npm start` on free ports, transcription
 * by a local OpenAI stand-in so an engine outage can be scripted): API keys within their scopes,
 * revocation, stream tokens and EventSource in Chromium, cancel, retry after an outage, delete.
 */
describe("integrations: API keys, browser event streams, cancel, retry, delete", () => {
  let sys: RunningSystem;
  let fake: FakeOpenAiServer;
  let browser: Browser;
  let media: string;
  let mp4: string;
  let session: string;

  beforeAll(async () => {
    media = await mkdtemp(join(tmpdir(), "mp4t-integrations-"));
    mp4 = (await makeLibrivoxMp4(media)).path;
    fake = await startFakeOpenAi({ transcript: "an integration follows its jobs from a script or a browser" });
    sys = await startSystem({
      TRANSCRIBE_ENGINE: "openai",
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_API_KEY: fake.apiKey,
      // A scripted outage exhausts a stage's retries in well under a second.
      MAX_DELIVER: "2",
      RETRY_BACKOFF_BASE_MS: "50",
      RETRY_BACKOFF_MAX_MS: "100",
    });
    browser = await launchChromium();
    const email = "integrator@e2e.test";
    expect((await api(sys.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email, password: "integrator password" }) })).status).toBe(201);
    session = await login(sys.url, email, "integrator password");
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
    await fake?.close();
    await rm(media, { recursive: true, force: true });
  }, 60_000);

  const newKey = async (scopes?: string[]) => {
    const r = await api<Key>(sys.url, "/v1/api-keys", {
      method: "POST",
      token: session,
      body: JSON.stringify({ name: "script", ...(scopes ? { scopes } : {}) }),
    });
    expect(r.status, r.text).toBe(201);
    return r.body;
  };
  const upload = async (token: string, path: string) => {
    const form = new FormData();
    form.append("options", JSON.stringify({ language: "en" }));
    form.append("file", new Blob([await readFile(path)]), basename(path));
    return api<Job & ApiError>(sys.url, "/v1/jobs", { method: "POST", body: form, token });
  };
  const silence = (name: string) => makeSilenceWav(join(media, name), 2, { channels: 1, sampleRate: 16_000 });

  it("a key uploads and reads within its scopes; a read-only key cannot upload; a key cannot make keys; a revoked key gets 401", async () => {
    const writer = await newKey(["jobs:read", "jobs:write"]);
    const reader = await newKey(["jobs:read"]);
    const created = await upload(writer.key, mp4);
    expect(created.status, created.text).toBe(202);
    const job = await untilEnded(sys, writer.key, created.body.id);
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    const txt = await api(sys.url, `/v1/jobs/${job.id}/transcript?format=txt`, { token: reader.key });
    expect(txt.status).toBe(200);
    expect(txt.text).toContain("integration follows its jobs");

    const refused = await upload(reader.key, mp4);
    expect([refused.status, refused.body.error?.code]).toEqual([403, "INSUFFICIENT_SCOPE"]);
    const keyMakesKey = await api<ApiError>(sys.url, "/v1/api-keys", { method: "POST", token: writer.key, body: JSON.stringify({ name: "x" }) });
    expect([keyMakesKey.status, keyMakesKey.body.error.code]).toEqual([403, "INSUFFICIENT_SCOPE"]);

    const listed = await api<{ items: { id: string; lastUsedAt: string | null }[] }>(sys.url, "/v1/api-keys", { token: session });
    expect(listed.body.items.find((k) => k.id === writer.id)?.lastUsedAt).not.toBeNull();
    expect((await api(sys.url, `/v1/api-keys/${reader.id}`, { method: "DELETE", token: session })).status).toBe(204);
    const revoked = await api<ApiError>(sys.url, `/v1/jobs/${job.id}`, { token: reader.key });
    expect([revoked.status, revoked.body.error.code]).toEqual([401, "UNAUTHORIZED"]);
  }, 180_000);

  it("EventSource in Chromium follows a job to completed with a stream token, on its own stream and on /v1/events", async () => {
    const key = await newKey(["jobs:read", "jobs:write"]);
    const stream = async () => (await api<{ token: string }>(sys.url, "/v1/auth/stream-token", { method: "POST", token: key.key })).body.token;
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`${sys.url}/health`); // same origin as the API, as the web app is
    // Every event of the user's jobs, collected in the page from before the upload.
    await page.evaluate(
      ({ url, types }) =>
        new Promise<void>((resolve, reject) => {
          const all: { type: string; jobId: string }[] = ((globalThis as unknown as { all: unknown[] }).all = []) as never;
          const es = new EventSource(url);
          for (const t of types) es.addEventListener(t, (e) => void all.push({ type: t, jobId: JSON.parse((e as MessageEvent).data as string).jobId }));
          es.onopen = () => resolve();
          es.onerror = () => es.readyState === EventSource.CLOSED && reject(new Error("the /v1/events stream was refused"));
        }),
      { url: `/v1/events?access_token=${encodeURIComponent(await stream())}`, types: [...JOB_EVENT_TYPES] },
    );

    const created = await upload(key.key, mp4);
    expect(created.status, created.text).toBe(202);
    const seen = await page.evaluate(
      ({ url, types }) =>
        new Promise<string[]>((resolve, reject) => {
          const got: string[] = [];
          const es = new EventSource(url);
          const timer = setTimeout(() => reject(new Error(`no completed event within 150 s: ${got.join(", ")}`)), 150_000);
          for (const t of types) {
            es.addEventListener(t, () => {
              got.push(t);
              if (t === "completed" || t === "failed" || t === "canceled") {
                es.close();
                clearTimeout(timer);
                resolve(got);
              }
            });
          }
        }),
      { url: `/v1/jobs/${created.body.id}/events?access_token=${encodeURIComponent(await stream())}`, types: [...JOB_EVENT_TYPES] },
    );
    expect(seen[0]).toBe("queued");
    expect(seen.at(-1)).toBe("completed");
    expect(seen).toContain("stage.done");
    await page.waitForFunction(
      (id) => (globalThis as unknown as { all: { type: string; jobId: string }[] }).all.some((e) => e.jobId === id && e.type === "completed"),
      created.body.id,
      { timeout: 30_000 },
    );
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 240_000);

  it("cancel stops a running job and keeps it, listed under status=canceled", async () => {
    fake.fail({ kind: "slow", delayMs: 10_000 }); // the engine is busy: the job sits in transcribe
    const asked = fake.requests.length;
    const created = await upload(session, await silence("canceled.wav"));
    const id = created.body.id;
    const t0 = Date.now();
    while (fake.requests.length === asked) {
      // the engine has the chunk (and the slow answer is used up)
      if (Date.now() - t0 > 60_000) throw new Error(`job never reached the engine:\n${sys.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await api<Job>(sys.url, `/v1/jobs/${id}`, { token: session })).body.stages.transcribe?.status).toBe("running");
    const canceled = await api<Job>(sys.url, `/v1/jobs/${id}/cancel`, { method: "POST", token: session });
    expect([canceled.status, canceled.body.status]).toEqual([200, "canceled"]);
    const listed = await api<{ items: Job[] }>(sys.url, "/v1/jobs?status=canceled", { token: session });
    expect(listed.body.items.map((j) => j.id)).toEqual([id]);
    const again = await api<ApiError>(sys.url, `/v1/jobs/${id}/cancel`, { method: "POST", token: session });
    expect([again.status, again.body.error.code]).toEqual([409, "JOB_ALREADY_ENDED"]);
    expect((await untilEnded(sys, session, id)).status).toBe("canceled");
  }, 120_000);

  it("a job failed by an engine outage completes when retried after the outage", async () => {
    fake.fail({ kind: "server-error", status: 503 }, { kind: "server-error", status: 503 }); // both deliveries (MAX_DELIVER)
    const created = await upload(session, await silence("outage.wav"));
    const failed = await untilEnded(sys, session, created.body.id);
    expect(failed.status).toBe("failed");
    expect(failed.stages.ingest?.status).toBe("done");
    const requestsBefore = fake.requests.length;
    const retried = await api<Job>(sys.url, `/v1/jobs/${failed.id}/retry`, { method: "POST", token: session });
    expect(retried.status, retried.text).toBe(202);
    expect(retried.body).toMatchObject({ status: "processing", attempts: 2 });
    const done = await untilEnded(sys, session, failed.id);
    expect(done.status, JSON.stringify(done.error)).toBe("completed");
    expect(done.attempts).toBe(2);
    expect(fake.requests.length).toBeGreaterThan(requestsBefore);
    const again = await api<ApiError>(sys.url, `/v1/jobs/${failed.id}/retry`, { method: "POST", token: session });
    expect([again.status, again.body.error.code]).toEqual([409, "JOB_NOT_RETRYABLE"]);
  }, 180_000);

  it("DELETE removes the job, its transcript, its search entry and every blob", async () => {
    const created = await upload(session, await silence("deleted.wav"));
    const job = await untilEnded(sys, session, created.body.id);
    expect(job.status).toBe("completed");
    const hits = async () => (await api<{ items: { jobId: string }[] }>(sys.url, "/v1/search?q=integration", { token: session })).body.items;
    const t0 = Date.now();
    while (!(await hits()).some((h) => h.jobId === job.id) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 200));
    expect((await hits()).some((h) => h.jobId === job.id)).toBe(true);

    const { blobs, close } = await sys.openBlobs();
    try {
      // The store the system writes to: the completed job's transcript is in it before the delete.
      expect((await blobs.list(`jobs/${job.id}/`)).map((b) => b.key)).toContain(`jobs/${job.id}/transcript.json`);
      expect((await api(sys.url, `/v1/jobs/${job.id}`, { method: "DELETE", token: session })).status).toBe(204);
      expect((await hits()).some((h) => h.jobId === job.id)).toBe(false);
      const t1 = Date.now();
      while ((await api(sys.url, `/v1/jobs/${job.id}`, { token: session })).status !== 404 || (await blobs.list(`jobs/${job.id}/`)).length > 0) {
        if (Date.now() - t1 > 60_000) throw new Error(`job ${job.id} not removed:\n${sys.output()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(await blobs.list(`jobs/${job.id}/`)).toEqual([]);
      expect((await api(sys.url, `/v1/jobs/${job.id}/transcript?format=json`, { token: session })).status).toBe(404);
    } finally {
      await close();
    }
  }, 120_000);
});
