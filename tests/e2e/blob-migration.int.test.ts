import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chunksPrefix, temporaryBlobKeys, type Job } from "@mp4t/contracts";
import { createFileBlobStore, createNatsObjectBlobStore } from "@mp4t/stores";
import { makeSilenceWav, startFakeOpenAi, type FakeOpenAiServer } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, login, startSystem, untilEnded, type RunningSystem } from "./system.ts";

/**
 * `npm start` keeps the blobs in DATA_DIR/blobs on one machine and in the NATS Object Store
 * otherwise (or with BLOB_STORE=nats). A restart that changes between the two moves every blob
 * before a service starts: an installation from before the directory keeps its transcripts.
 */
describe("npm start moves the blobs when its embedded blob store changes", () => {
  let dataDir: string;
  let fake: FakeOpenAiServer;
  let sys: RunningSystem | undefined;
  const email = "mover@e2e.test";
  const password = "mover password";
  const start = async (env: Record<string, string | undefined>) => {
    sys = await startSystem({ DATA_DIR: dataDir, TRANSCRIBE_ENGINE: "openai", OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: fake.apiKey, ...env });
    return sys;
  };
  const stop = async () => {
    const code = await sys!.stop();
    sys = undefined;
    expect(code).toBe(0);
  };
  /** The job's keys in the Object Store and in the directory, read as the admin / from disk. */
  const where = async (s: RunningSystem, jobId: string) => {
    const nc = await s.connectNats();
    try {
      const nats = (await (await createNatsObjectBlobStore(nc)).list(`jobs/${jobId}/`)).map((b) => b.key);
      const dir = join(dataDir, "blobs");
      const files = existsSync(dir) ? (await (await createFileBlobStore({ dir })).list(`jobs/${jobId}/`)).map((b) => b.key) : [];
      return { nats, files };
    } finally {
      await nc.close();
    }
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "mp4t-blob-move-"));
    fake = await startFakeOpenAi({ transcript: "the transcript survives the move" });
  });
  afterAll(async () => {
    if (sys) await sys.stop();
    await fake?.close();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("from the Object Store to the directory and back, with the transcript readable after each", async () => {
    // An installation from before the directory: its blobs in the Object Store.
    let s = await start({ BLOB_STORE: "nats" });
    expect((await api(s.url, "/v1/auth/register", { method: "POST", body: JSON.stringify({ email, password }) })).status).toBe(201);
    let token = await login(s.url, email, password);
    const form = new FormData();
    form.append("file", new Blob([await readFile(await makeSilenceWav(join(dataDir, "move.wav"), 2))], { type: "audio/wav" }), "move.wav");
    const created = await api<Job>(s.url, "/v1/jobs", { method: "POST", body: form, token });
    expect(created.status, created.text).toBe(202);
    const job = await untilEnded(s, token, created.body.id);
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    const transcript = (await api(s.url, `/v1/jobs/${job.id}/transcript?format=json`, { token })).text;
    expect(transcript).toContain("survives");
    // The janitor removes the temporary blobs after the completed event: list once they are gone.
    const temporary = (key: string) => key.startsWith(chunksPrefix(job.id)) || temporaryBlobKeys(job.id, job.chunks?.count).includes(key);
    let before = await where(s, job.id);
    for (const t0 = Date.now(); before.nats.some(temporary); before = await where(s, job.id)) {
      if (Date.now() - t0 > 30_000) throw new Error(`the temporary blobs stayed: ${before.nats.join(", ")}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(before.nats).toContain(`jobs/${job.id}/transcript.json`);
    expect(before.files).toEqual([]);
    await stop();

    // The default on one machine now: the directory. The blobs move before the services start.
    s = await start({ BLOB_STORE: undefined });
    token = await login(s.url, email, password);
    expect((await api(s.url, `/v1/jobs/${job.id}/transcript?format=json`, { token })).text).toBe(transcript);
    const moved = await where(s, job.id);
    expect(moved.files.sort()).toEqual(before.nats.sort());
    expect(moved.nats).toEqual([]);
    expect(s.output()).toMatch(/blobs: \d+ moved to .*blobs/);
    await stop();

    // And back, when the Object Store is asked for again.
    s = await start({ BLOB_STORE: "nats" });
    token = await login(s.url, email, password);
    expect((await api(s.url, `/v1/jobs/${job.id}/transcript?format=json`, { token })).text).toBe(transcript);
    const back = await where(s, job.id);
    expect(back.nats.sort()).toEqual(before.nats.sort());
    expect(back.files).toEqual([]);
    await stop();
  }, 300_000);
});
