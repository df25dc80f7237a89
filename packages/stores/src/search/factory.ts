import { AppError } from "@mp4t/contracts";
import type { SearchIndex } from "./search-index.ts";
import { createSqliteSearchIndex } from "./sqlite-search-index.adapter.ts";

export type SearchIndexOptions =
  | { kind: "embedded"; path: string }
  | { kind: "mongodb"; url: string; database?: string | undefined; timeoutMs?: number | undefined };

/** Opens the configured search index; the MongoDB one on its own client to the job store's database. */
export async function openSearchIndex(opts: SearchIndexOptions): Promise<SearchIndex> {
  if (opts.kind === "embedded") return createSqliteSearchIndex({ path: opts.path });
  // The driver loads only when configured: a gateway on the embedded index never holds it in memory.
  const [{ MongoClient }, { createMongoSearchIndex }] = await Promise.all([import("mongodb"), import("./mongo-search-index.adapter.ts")]);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const client = new MongoClient(opts.url, {
    ignoreUndefined: true,
    appName: "mp4t-search",
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
    waitQueueTimeoutMS: timeoutMs,
  });
  try {
    await client.connect();
    const database = opts.database ?? /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(opts.url)?.[1] ?? "mp4t";
    return await createMongoSearchIndex({ db: client.db(database), close: () => client.close() });
  } catch (err) {
    await client.close().catch(() => {});
    throw new AppError("SERVICE_UNAVAILABLE", `the search index's MongoDB is unreachable: ${(err as Error).message}`, { cause: err });
  }
}
