export { configSchema, ingestSettings } from "./config.ts";
export type { IngestConfig, IngestSettings } from "./config.ts";
export { buildHandlers, startIngest } from "./worker.ts";
export { ingestHandler } from "./handlers/ingest.handler.ts";
export type { IngestDeps } from "./handlers/ingest.handler.ts";
export { WAV_HEADER_BYTES, wavHeader } from "./wav-header.writer.ts";
