import type { JetStreamManager, StoredMsg } from "@nats-io/jetstream";

/** The most keys one batched direct get reads (the server's own cap for `multi_last` is 1024). */
const LIST_BATCH = 1024;

/** A key's current value and its revision (the stream sequence of the write). */
export type LatestEntry = { data: Uint8Array; revision: number };

/** A message read into `out`: a value, or the delete or purge marker that removes its key. */
function take(out: Map<string, LatestEntry>, m: StoredMsg) {
  const op = m.header.get("KV-Operation");
  if (op === "DEL" || op === "PURGE") out.delete(m.subject);
  else out.set(m.subject, { data: m.data, revision: m.seq });
}

const noResults = (err: unknown) => /no results|not found|no message found/i.test(String((err as Error)?.message));

/**
 * The current entry of every key under `filter`, by subject, with batched direct gets: no
 * consumer (`kv.keys()` creates an ordered consumer per call that the server keeps for five
 * minutes, so a busy listing endpoint piled them up), and no cap on the count. Up to 1,024
 * subjects (a deleted key's marker counts as one) it is one `multi_last` request (nats-server
 * 2.11+); a full answer of 1,024 is read again as below, to be safe. Past that the server refuses
 * `multi_last`, and the stream is read in sequence order instead, 1,024 messages of the filter a request: a later
 * write of a key replaces what an earlier one put in the map, and a delete or purge marker removes
 * it. That read is not one snapshot: a key written during it is seen at its newest value. Until
 * 2026-12-03 a listing past 1,023 subjects fell back to `kv.keys()` and one read per key; with the
 * janitor's reaper scanning every job each minute, a store of 5,000 jobs made 5,000 requests
 * and a consumer a minute while idle. Deleted and purged keys are left out.
 */
export async function latestEntries(jsm: JetStreamManager, stream: string, filter: string): Promise<Map<string, LatestEntry>> {
  const out = new Map<string, LatestEntry>();
  try {
    const it = await jsm.direct.getLastMessagesFor(stream, { multi_last: [filter], batch: LIST_BATCH });
    for await (const m of it) take(out, m);
  } catch (err) {
    if (noResults(err)) return out;
    if (!/too many/i.test(String((err as Error)?.message))) throw err;
    return scanEntries(jsm, stream, filter);
  }
  return out.size >= LIST_BATCH ? scanEntries(jsm, stream, filter) : out;
}

/** Every message of `filter` in sequence order, a batch a request, folded into each key's latest entry. */
async function scanEntries(jsm: JetStreamManager, stream: string, filter: string): Promise<Map<string, LatestEntry>> {
  const out = new Map<string, LatestEntry>();
  for (let seq = 1; ; ) {
    let last: StoredMsg | undefined;
    let got = 0;
    try {
      for await (const m of await jsm.direct.getBatch(stream, { seq, next_by_subj: filter, batch: LIST_BATCH })) {
        take(out, m);
        last = m;
        got++;
      }
    } catch (err) {
      if (!noResults(err)) throw err;
    }
    // More follow while the server says so (`pending`, -1 when it does not know) or the batch was full.
    if (!last || last.pending === 0 || (last.pending < 0 && got < LIST_BATCH)) return out;
    seq = last.seq + 1;
  }
}
