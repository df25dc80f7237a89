export type { JobStore, JobRef, ListJobsQuery, JobPage, BlobStore, BlobInfo, BlobBody } from "./ports.ts";
export { createNatsKvJobStore } from "./adapters/nats-kv-job-store.adapter.ts";
export { createNatsObjectBlobStore } from "./adapters/nats-object-blob-store.adapter.ts";
export { putJson, getJson, downloadToFile, uploadFile } from "./blob-helpers.ts";
