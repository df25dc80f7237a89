import { startFerretDb } from "@mp4t/testing";
import { transcriptsScenario } from "./transcripts-scenario.ts";

// Jobs in a MongoDB-wire server (FerretDB v1), so versions live in its job records and search in
// its collections (SEARCH_INDEX defaults to mongodb with JOB_STORE=mongodb); blobs stay in NATS.
transcriptsScenario("MongoDB job store and search index (FerretDB)", async () => {
  const mongo = await startFerretDb();
  return { env: { JOB_STORE: "mongodb", MONGODB_URL: mongo.url, MONGODB_DATABASE: "mp4t_e2e" }, stop: () => mongo.stop() };
});
