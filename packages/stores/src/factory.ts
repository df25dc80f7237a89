import type { NatsConnection } from "@nats-io/transport-node";
import { z } from "zod";
import { createNatsKvJobStore } from "./adapters/nats-kv-job-store.adapter.ts";
import { createNatsObjectBlobStore } from "./adapters/nats-object-blob-store.adapter.ts";
import type { BlobStore, JobStore } from "./ports.ts";

/** Store selection, part of every service's config schema. */
export const storesEnv = {
  /** `nats` (embedded default: NATS KV). `mongodb` arrives with the production adapters. */
  JOB_STORE: z.enum(["nats"]).default("nats"),
  /** `nats` (embedded default: NATS Object Store). `s3` arrives with the production adapters. */
  BLOB_STORE: z.enum(["nats"]).default("nats"),
  /** JetStream replicas for KV and object buckets (3 in a NATS cluster). */
  STORE_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
} as const;

export type Stores = { jobs: JobStore; blobs: BlobStore; close(): Promise<void> };

export async function createStores(nc: NatsConnection, cfg: { JOB_STORE: "nats"; BLOB_STORE: "nats"; STORE_REPLICAS: number }): Promise<Stores> {
  const jobs = await createNatsKvJobStore(nc, { replicas: cfg.STORE_REPLICAS });
  const blobs = await createNatsObjectBlobStore(nc, { replicas: cfg.STORE_REPLICAS });
  return { jobs, blobs, close: async () => void (await Promise.all([jobs.close(), blobs.close()])) };
}
