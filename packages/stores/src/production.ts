/**
 * The production adapters (`@mp4t/stores/production`): MongoDB (job store, search index) and S3. Kept out of the main entry
 * so a service on the embedded stores never loads their drivers (some 70 MiB resident together);
 * `createStores` imports them only when configured.
 */
export { createMongoJobStore } from "./adapters/mongo-job-store.adapter.ts";
export { createMongoApiKeyStore } from "./adapters/mongo-api-key-store.adapter.ts";
export { createS3BlobStore } from "./adapters/s3-blob-store.adapter.ts";
export type { S3BlobStoreOptions } from "./adapters/s3-blob-store.adapter.ts";
export { createMongoSearchIndex } from "./search/mongo-search-index.adapter.ts";
