import type { JetStreamManager } from "@nats-io/jetstream";

/** The most keys one listing reads in one batched direct get (the server's own cap is 1024). */
const LIST_BATCH = 1024;

/** A key's current value and its revision (the stream sequence of the write). */
export type LatestEntry = { data: Uint8Array; revision: number };

/**
 * The current entry of every key under `filter`, by subject, with one batched direct get (`multi_last`,
 * nats-server 2.11+): no consumer. `kv.keys()` creates an ordered consumer per call that the
 * server keeps for five minutes, so a busy listing endpoint piled them up. Deleted and purged
 * keys are left out. Null when the server refuses (more keys than it returns at once).
 */
export async function latestEntries(jsm: JetStreamManager, stream: string, filter: string): Promise<Map<string, LatestEntry> | null> {
  const out = new Map<string, LatestEntry>();
  try {
    const it = await jsm.direct.getLastMessagesFor(stream, { multi_last: [filter], batch: LIST_BATCH });
    for await (const m of it) {
      const op = m.header.get("KV-Operation");
      if (op === "DEL" || op === "PURGE") out.delete(m.subject);
      else out.set(m.subject, { data: m.data, revision: m.seq });
    }
  } catch (err) {
    if (/no results|not found/i.test(String((err as Error)?.message))) return out;
    if (/too many/i.test(String((err as Error)?.message))) return null;
    throw err;
  }
  return out.size >= LIST_BATCH ? null : out;
}
