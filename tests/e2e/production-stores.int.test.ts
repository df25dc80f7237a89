import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobKeys, type Job } from "@mp4t/contracts";
import { createMongoApiKeyStore, createMongoJobStore, createS3BlobStore } from "@mp4t/stores/production";
import { makeLibrivoxMp4, startFerretDb, startVersityGw, wordErrorRate, type FerretDbServer, type S3Server } from "@mp4t/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, login, startSystem, type RunningSystem } from "./system.ts";

/**
 * The production store layout (DESIGN.md): jobs in MongoDB (here a MongoDB-wire server, FerretDB)
 * and blobs in S3 (versitygw), with all six services as processes. NATS then only carries messages.
 */
describe("production stores: the whole pipeline on MongoDB-wire and S3 (versitygw)", () => {
  let sys: RunningSystem;
  let mongo: FerretDbServer;
  let s3: S3Server;
  let media: string;
  const bucket = "mp4t-e2e";
  beforeAll(async () => {
    media = await mkdtemp(join(tmpdir(), "mp4t-media-"));
    [mongo, s3] = await Promise.all([startFerretDb(), startVersityGw()]);
    sys = await startSystem({
      JOB_STORE: "mongodb",
      MONGODB_URL: mongo.url,
      MONGODB_DATABASE: "mp4t_e2e",
      BLOB_STORE: "s3",
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_BUCKET: bucket,
    });
  }, 180_000);
  afterAll(async () => {
    const code = await sys?.stop();
    await Promise.all([mongo?.stop(), s3?.stop()]);
    await rm(media, { recursive: true, force: true });
    expect(code).toBe(0);
  }, 60_000);

  it("transcribes an MP4 with the job in MongoDB and every blob in S3", async () => {
    const { path, reference } = await makeLibrivoxMp4(media);
    const token = await login(sys.url, sys.admin.email, sys.admin.password);
    const form = new FormData();
    form.append("options", JSON.stringify({ language: "en", enhance: ["summary"] }));
    form.append("file", new Blob([await readFile(path)], { type: "video/mp4" }), "librivox.mp4");
    const created = await api<Job>(sys.url, "/v1/jobs", { method: "POST", body: form, token });
    expect(created.status).toBe(202);

    const t0 = Date.now();
    let job = created.body;
    while (job.status === "queued" || job.status === "processing") {
      if (Date.now() - t0 > 240_000) throw new Error(`job stuck: ${JSON.stringify(job)}\n${sys.output()}`);
      await new Promise((r) => setTimeout(r, 200));
      job = (await api<Job>(sys.url, `/v1/jobs/${job.id}`, { token })).body;
    }
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    const txt = await api(sys.url, `/v1/jobs/${job.id}/transcript?format=txt`, { token });
    expect(wordErrorRate(reference, txt.text)).toBeLessThanOrEqual(0.4);

    // Read the stores directly: the job record is MongoDB's, the transcript the S3 server's.
    const jobs = await createMongoJobStore({ url: mongo.url, database: "mp4t_e2e" });
    const blobs = await createS3BlobStore({ endpoint: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey, bucket });
    try {
      const stored = await jobs.getJob({ userId: job.userId, jobId: job.id });
      expect(stored?.status).toBe("completed");
      const keys = (await blobs.list(BlobKeys.prefix(job.id))).map((b) => b.key);
      expect(keys).toContain(BlobKeys.transcript(job.id));
    } finally {
      await Promise.all([jobs.close(), blobs.close()]);
    }
  });

  it("keeps API keys in MongoDB, as hashes only; a revoked key stops working", async () => {
    const token = await login(sys.url, sys.admin.email, sys.admin.password);
    const created = await api<{ id: string; key: string }>(sys.url, "/v1/api-keys", {
      method: "POST",
      token,
      body: JSON.stringify({ name: "prod", scopes: ["jobs:read"] }),
    });
    expect(created.status, created.text).toBe(201);
    expect((await api(sys.url, "/v1/jobs", { token: created.body.key })).status).toBe(200);
    const keys = await createMongoApiKeyStore({ url: mongo.url, database: "mp4t_e2e" });
    try {
      const stored = await keys.getByHash(createHash("sha256").update(created.body.key).digest("hex"));
      expect(stored).toMatchObject({ id: created.body.id, name: "prod", scopes: ["jobs:read"] });
      expect(JSON.stringify(await keys.list(stored!.userId))).not.toContain(created.body.key);
    } finally {
      await keys.close();
    }
    expect((await api(sys.url, `/v1/api-keys/${created.body.id}`, { method: "DELETE", token })).status).toBe(204);
    expect((await api(sys.url, "/v1/jobs", { token: created.body.key })).status).toBe(401);
  });
});
