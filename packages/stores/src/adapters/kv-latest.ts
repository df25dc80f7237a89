import type { JetStreamManager } from "@nats-io/jetstream";

/** The most keys one listing reads in one batched direct get (the server's own cap is 1024). */
const LIST_BATCH = 1024;

/**
 * The current entry of every key under `filter`, with one batched direct get (`multi_last`,
 * nats-server 2.11+): no consumer. `kv.keys()` creates an ordered consumer per call that the
 * server keeps for five minutes, so a busy listing endpoint piled them up. Deleted and purged
 * keys are left out. Null when the server refuses (more keys than it returns at once).
 */
export async function latestEntries(jsm: JetStreamManager, stream: string, filter: string): Promise<Map<string, Uint8Array> | null> {
  const out = new Map<string, Uint8Array>();
  try {
    const it = await jsm.direct.getLastMessagesFor(stream, { multi_last: [filter], batch: LIST_BATCH });
    for await (const m of it) {
      const op = m.header.get("KV-Operation");
      if (op === "DEL" || op === "PURGE") out.delete(m.subject);
      else out.set(m.subject, m.data);
    }
  } catch (err) {
    if (/no results|not found/i.test(String((err as Error)?.message))) return out;
    if (/too many/i.test(String((err as Error)?.message))) return null;
    throw err;
  }
  return out.size >= LIST_BATCH ? null : out;
}
