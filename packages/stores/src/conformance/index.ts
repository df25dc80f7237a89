export { jobStoreConformance, sampleJob, sampleUser } from "./job-store.conformance.ts";
export { blobStoreConformance } from "./blob-store.conformance.ts";
export { searchIndexConformance } from "./search-index.conformance.ts";
export { apiKeyStoreConformance, sampleApiKey } from "./api-key-store.conformance.ts";
