import { isAbsolute } from "node:path";
import { ConfigError } from "@mp4t/contracts";
import type { NatsConnection } from "@nats-io/transport-node";
import { z } from "zod";
import { createFileBlobStore } from "./adapters/file-blob-store.adapter.ts";
import { createNatsKvJobStore } from "./adapters/nats-kv-job-store.adapter.ts";
import { createNatsObjectBlobStore } from "./adapters/nats-object-blob-store.adapter.ts";
import type { ApiKeyStore, BlobStore, JobStore } from "./ports.ts";
import { createNatsKvApiKeyStore } from "./adapters/nats-kv-api-key-store.adapter.ts";
import { storesSecurityProblems } from "./store-security.ts";

const optional = z.string().min(1).optional();

/** Store selection, part of every service's config schema. */
export const storesEnv = {
  /** `nats` (embedded default: NATS KV) or `mongodb` (MongoDB or a MongoDB-wire server). */
  JOB_STORE: z.enum(["nats", "mongodb"]).default("nats"),
  /**
   * `nats` (NATS Object Store: every host that reaches NATS shares it), `s3` (any S3-compatible
   * store) or `file` (a directory, BLOB_DIR: one machine only; `npm start`'s default there).
   */
  BLOB_STORE: z.enum(["nats", "s3", "file"]).default("nats"),
  /** The directory of BLOB_STORE=file (absolute); required with it. */
  BLOB_DIR: optional,
  /** `mongodb://user:pass@host:27017/db`; required with JOB_STORE=mongodb. */
  MONGODB_URL: optional,
  /** Database name; the URL's, else `mp4t`. */
  MONGODB_DATABASE: optional,
  /** Milliseconds to find the server, connect, get a pooled connection or get a reply before a call fails; overrides the URL's settings. */
  MONGODB_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** S3 API base URL, e.g. `http://s3:7070`; required with BLOB_STORE=s3, as are the keys. */
  S3_ENDPOINT: z.url().optional(),
  S3_ACCESS_KEY: optional,
  S3_SECRET_KEY: optional,
  S3_BUCKET: z.string().min(3).default("mp4t-blobs"),
  S3_REGION: optional,
  /** Milliseconds an S3 request may go without moving data; also the whole limit for stat, list, delete and a get's start. */
  S3_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
} as const;

export type StoresConfig = {
  /** The profile decides whether unsafe credentials are refused (production) or allowed. */
  NODE_ENV?: string | undefined;
  MP4T_PROFILE?: string | undefined;
  JOB_STORE: "nats" | "mongodb";
  BLOB_STORE: "nats" | "s3" | "file";
  BLOB_DIR?: string | undefined;
  /** Replicas of the KV and object buckets: `JETSTREAM_REPLICAS` of runtime's `baseEnv`. */
  JETSTREAM_REPLICAS: number;
  MONGODB_URL?: string | undefined;
  MONGODB_DATABASE?: string | undefined;
  MONGODB_TIMEOUT_MS?: number | undefined;
  S3_ENDPOINT?: string | undefined;
  S3_ACCESS_KEY?: string | undefined;
  S3_SECRET_KEY?: string | undefined;
  S3_BUCKET?: string | undefined;
  S3_REGION?: string | undefined;
  S3_TIMEOUT_MS?: number | undefined;
};

export type Stores = { jobs: JobStore; blobs: BlobStore; close(): Promise<void> };

/** The settings a production store needs that the schema cannot require on its own. */
function missingSettings(cfg: StoresConfig): string[] {
  const missing: string[] = [];
  if (cfg.JOB_STORE === "mongodb" && !cfg.MONGODB_URL) missing.push("MONGODB_URL: required when JOB_STORE=mongodb");
  if (cfg.BLOB_STORE === "s3") {
    for (const key of ["S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY"] as const) {
      if (!cfg[key]) missing.push(`${key}: required when BLOB_STORE=s3`);
    }
  }
  if (cfg.BLOB_STORE === "file" && !cfg.BLOB_DIR) missing.push("BLOB_DIR: required when BLOB_STORE=file");
  if (cfg.BLOB_STORE === "file" && cfg.BLOB_DIR && !isAbsolute(cfg.BLOB_DIR)) missing.push("BLOB_DIR: must be an absolute path");
  return missing;
}

/**
 * Opens the configured stores; a store that cannot start closes the one already opened.
 * `users: false`: a worker's store, without the users bucket (its NATS user may not open it).
 */
export async function createStores(nc: NatsConnection, cfg: StoresConfig, opts: { users?: boolean } = {}): Promise<Stores> {
  const missing = missingSettings(cfg);
  if (missing.length) throw new ConfigError("stores", missing);
  // The production profile (MP4T_PROFILE, else NODE_ENV: runtime's selectProfile) refuses unsafe settings.
  const unsafe = (cfg.MP4T_PROFILE ?? cfg.NODE_ENV) === "production" ? storesSecurityProblems(cfg) : [];
  if (unsafe.length) throw new ConfigError("stores (production refuses unsafe settings)", unsafe);
  const jobs =
    cfg.JOB_STORE === "mongodb"
      ? // Drivers load only when configured: an embedded-store service never holds them in memory.
        await (await import("./adapters/mongo-job-store.adapter.ts")).createMongoJobStore({
          url: cfg.MONGODB_URL!,
          ...(cfg.MONGODB_DATABASE ? { database: cfg.MONGODB_DATABASE } : {}),
          ...(cfg.MONGODB_TIMEOUT_MS ? { timeoutMs: cfg.MONGODB_TIMEOUT_MS } : {}),
        })
      : await createNatsKvJobStore(nc, { replicas: cfg.JETSTREAM_REPLICAS, ...(opts.users === false ? { users: false } : {}) });
  let blobs: BlobStore;
  try {
    blobs =
      cfg.BLOB_STORE === "s3"
        ? await (await import("./adapters/s3-blob-store.adapter.ts")).createS3BlobStore({
            endpoint: cfg.S3_ENDPOINT!,
            accessKey: cfg.S3_ACCESS_KEY!,
            secretKey: cfg.S3_SECRET_KEY!,
            bucket: cfg.S3_BUCKET ?? "mp4t-blobs",
            ...(cfg.S3_REGION ? { region: cfg.S3_REGION } : {}),
            ...(cfg.S3_TIMEOUT_MS ? { timeoutMs: cfg.S3_TIMEOUT_MS } : {}),
          })
        : cfg.BLOB_STORE === "file"
          ? await createFileBlobStore({ dir: cfg.BLOB_DIR! })
          : await createNatsObjectBlobStore(nc, { replicas: cfg.JETSTREAM_REPLICAS });
  } catch (err) {
    await jobs.close();
    throw err;
  }
  return { jobs, blobs, close: async () => void (await Promise.all([jobs.close(), blobs.close()])) };
}

/** The API key store beside the configured job store (the gateway's only): MongoDB with JOB_STORE=mongodb, else the NATS users bucket. */
export async function createApiKeyStore(
  nc: NatsConnection,
  cfg: Pick<StoresConfig, "JOB_STORE" | "JETSTREAM_REPLICAS" | "MONGODB_URL" | "MONGODB_DATABASE" | "MONGODB_TIMEOUT_MS">,
): Promise<ApiKeyStore> {
  if (cfg.JOB_STORE !== "mongodb") return createNatsKvApiKeyStore(nc, { replicas: cfg.JETSTREAM_REPLICAS });
  if (!cfg.MONGODB_URL) throw new ConfigError("stores", ["MONGODB_URL: required when JOB_STORE=mongodb"]);
  return (await import("./adapters/mongo-api-key-store.adapter.ts")).createMongoApiKeyStore({
    url: cfg.MONGODB_URL,
    ...(cfg.MONGODB_DATABASE ? { database: cfg.MONGODB_DATABASE } : {}),
    ...(cfg.MONGODB_TIMEOUT_MS ? { timeoutMs: cfg.MONGODB_TIMEOUT_MS } : {}),
  });
}
