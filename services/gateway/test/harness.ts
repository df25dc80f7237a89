import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureTopology } from "@mp4t/messaging/internal";
import { createNatsKvApiKeyStore, createNatsKvJobStore, createNatsObjectBlobStore, type BlobStore } from "@mp4t/stores";
import { createPipelineDeps } from "@mp4t/pipeline";
import { createNatsKvWebhookStore } from "@mp4t/webhooks";
import { silentLogger, startNats, type NatsServer } from "@mp4t/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, expect } from "vitest";
import { buildApp, type GatewayDeps } from "../src/app.ts";
import { configSchema } from "../src/config.ts";

export type Harness = {
  nats: NatsServer;
  nc: NatsConnection;
  app: FastifyInstance;
  deps: GatewayDeps;
  /** Registers and logs in a fresh user; resolves to its bearer token. */
  user(email?: string): Promise<{ token: string; email: string; auth: { authorization: string } }>;
  close(): Promise<void>;
};

let n = 0;

/** A random key per run, and limits loose enough for suites that make many users from one address. */
export const TEST_JWT_SECRET = randomBytes(48).toString("base64url");
export const TEST_ENV: Record<string, string> = {
  JWT_SECRET: TEST_JWT_SECRET,
  // Cheaper hashes keep suites that register dozens of users fast; the security suite uses the default.
  PASSWORD_HASH_COST: "14",
  RATE_LIMIT_PER_MIN: "1000000",
  RATE_LIMIT_AUTH_PER_IP: "1000000",
  RATE_LIMIT_AUTH_PER_ACCOUNT: "1000000",
};

/** A gateway on real deps: its own nats-server, KV job store, object blob store (or `opts.blobs`), publisher, lifecycle. */
export async function startHarness(env: Record<string, string> = {}, opts: { blobs?: BlobStore } = {}): Promise<Harness> {
  const nats = await startNats();
  const nc = await nats.connect();
  await ensureTopology(await jetstreamManager(nc));
  const jobs = await createNatsKvJobStore(nc);
  const blobs = opts.blobs ?? (await createNatsObjectBlobStore(nc));
  // Resumable uploads wait in a scratch directory of their own, not under the working directory.
  const scratch = await mkdtemp(join(tmpdir(), "mp4t-gw-uploads-"));
  const config = configSchema.parse({ NATS_URL: nats.url, LOG_LEVEL: "silent", UPLOAD_SCRATCH_DIR: scratch, ...TEST_ENV, ...env });
  const {
    ports: messaging,
    publisher,
    lifecycle,
    logger,
  } = createPipelineDeps({ service: "gateway", nc, stores: { jobs, blobs }, logger: silentLogger("gateway") });
  const apiKeys = await createNatsKvApiKeyStore(nc);
  const webhooks = await createNatsKvWebhookStore(nc);
  const deps: GatewayDeps = { jobs, blobs, publisher, lifecycle, messaging, logger, apiKeys, config, webhooks };
  const app = buildApp(deps);
  await app.ready();
  return {
    nats,
    nc,
    app,
    deps,
    async user(email = `user${++n}-${Date.now()}@example.com`) {
      const password = "correct horse battery";
      const reg = await app.inject({ method: "POST", url: "/v1/auth/register", payload: { email, password } });
      expect(reg.statusCode, reg.body).toBe(201);
      const login = await app.inject({ method: "POST", url: "/v1/auth/login", payload: { email, password } });
      expect(login.statusCode, login.body).toBe(200);
      const { token } = login.json() as { token: string };
      return { token, email, auth: { authorization: `Bearer ${token}` } };
    },
    async close() {
      await app.close();
      await nc.close();
      await nats[Symbol.asyncDispose]();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** A harness for the enclosing suite, listening on a free port: started before its tests, closed after. */
export function suiteHarness(env: Record<string, string> = {}): { h: Harness; base: string } {
  const suite = { h: undefined as unknown as Harness, base: "" };
  beforeAll(async () => {
    suite.h = await startHarness(env);
    suite.base = await suite.h.app.listen({ port: 0, host: "127.0.0.1" });
  }, 30_000);
  afterAll(async () => {
    await suite.h?.close();
  });
  return suite;
}

export type Part = { name: string; data: string | Uint8Array; filename?: string; contentType?: string };

/** A multipart/form-data body built by hand, so tests control part order and malformed input. */
export function multipart(parts: Part[], boundary = `----mp4t${Math.random().toString(16).slice(2)}`) {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename === undefined ? "" : `; filename="${p.filename}"`}`;
    const type = p.contentType ?? (p.filename === undefined ? undefined : "application/octet-stream");
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ""}\r\n`));
    chunks.push(Buffer.from(p.data));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

/** An upload request as a client would send it: a file part and, if given, an options field. */
export function uploadBody(file: Uint8Array | string, options?: unknown, fileName = "talk.mp4") {
  const parts: Part[] = [];
  if (options !== undefined) parts.push({ name: "options", data: typeof options === "string" ? options : JSON.stringify(options) });
  parts.push({ name: "file", filename: fileName, contentType: "video/mp4", data: file });
  return multipart(parts);
}

export const bytes = (size: number, fill = 7) => new Uint8Array(size).fill(fill);

/** Asserts the uniform error shape and returns the code. */
export function errorCode(res: { statusCode: number; body: string; json(): unknown }): string {
  const body = res.json() as { error?: { code?: unknown; message?: unknown } };
  expect(body.error, res.body).toBeDefined();
  expect(typeof body.error!.message, res.body).toBe("string");
  return body.error!.code as string;
}

/** Uploads a small file through the API and returns the 202 body. */
export async function createJob(h: Harness, auth: { authorization: string }, fileName = "talk.mp4", options?: unknown) {
  const body = uploadBody(bytes(256), options, fileName);
  const res = await h.app.inject({ method: "POST", url: "/v1/jobs", payload: body.payload, headers: { ...body.headers, ...auth } });
  expect(res.statusCode, res.body).toBe(202);
  return res.json() as { id: string; status: string; fileName: string };
}
