import { AppError } from "@mp4t/contracts";
import { MongoClient, type Db } from "mongodb";

export type MongoOptions = {
  url: string;
  database?: string;
  /**
   * Default 30 s, replacing the URL's timeout settings: how long to look for a usable server, to
   * connect, to wait for a pooled connection, and to wait on a socket for a reply. The driver
   * waits on a socket forever by default, so a server that accepts connections and never answers
   * would hang a call; and without the pool limit, calls queued behind connections that are
   * timing out two at a time wait many limits. Every query here is short: one limit fits all.
   */
  timeoutMs?: number;
};

const redact = (url: string) => url.replace(/\/\/[^@/]*@/, "//***@");
const databaseInUrl = (url: string) => /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(url)?.[1];

/** A connected client and its database (the option's, the URL's, else `mp4t`); SERVICE_UNAVAILABLE if unreachable. */
export async function connectMongo(opts: MongoOptions): Promise<{ client: MongoClient; db: Db }> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const client = new MongoClient(opts.url, {
    // An optional field left undefined must be absent, not null (the schema rejects null).
    ignoreUndefined: true,
    appName: "mp4t",
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
    waitQueueTimeoutMS: timeoutMs,
  });
  try {
    await client.connect();
  } catch (err) {
    await client.close().catch(() => {});
    throw new AppError("SERVICE_UNAVAILABLE", `MongoDB at ${redact(opts.url)} is unreachable: ${(err as Error).message}`, { cause: err });
  }
  return { client, db: client.db(opts.database ?? databaseInUrl(opts.url) ?? "mp4t") };
}
