import { transcriptsScenario } from "./transcripts-scenario.ts";

// The embedded default: NATS KV and Object Store, the SQLite FTS5 search index under DATA_DIR.
transcriptsScenario("embedded stores and index", async () => ({ env: {}, stop: async () => {} }));
