/**
 * The per-user cap on webhook endpoints, held under concurrent creates. Counting and then creating
 * lets two creates that count at once both pass; instead a create first takes one of the user's
 * `max` numbered slots with the store's one atomic step (a create that fails when the key or `_id`
 * exists: NATS KV `create`, a MongoDB insert), and the endpoint's delete frees it. A create that
 * died between taking a slot and writing its endpoint leaves a slot with no endpoint; once older
 * than ORPHAN_MS such a slot is freed when the user finds every slot taken.
 */
export type EndpointSlot = { n: number; endpointId: string; at: string };

/** What an adapter provides: its atomic create and the reads around it. */
export type SlotOps = {
  /** The user's taken slots. */
  taken(userId: string): Promise<EndpointSlot[]>;
  /** Takes slot `n` for the endpoint; false when it is taken. */
  take(userId: string, slot: EndpointSlot): Promise<boolean>;
  /** Frees the slot if it still holds this endpoint. */
  free(userId: string, slot: EndpointSlot): Promise<void>;
  endpointExists(userId: string, endpointId: string): Promise<boolean>;
};

/** A slot taken this long ago whose endpoint never appeared belongs to a create that died. */
export const ORPHAN_MS = 60_000;

/** Takes a free slot of the user's `max` for `endpointId`; false when all are held by endpoints. */
export async function takeSlot(ops: SlotOps, userId: string, endpointId: string, max: number, now = Date.now()): Promise<boolean> {
  for (let round = 0; round < 2; round++) {
    const taken = await ops.taken(userId);
    const used = new Set(taken.map((s) => s.n));
    // Slots at or above `max` are held after the cap was lowered: they count, but are not handed out.
    for (let n = 0; n < max && used.size < max; n++) {
      if (used.has(n)) continue;
      if (await ops.take(userId, { n, endpointId, at: new Date(now).toISOString() })) return true;
      used.add(n);
    }
    let freed = false;
    for (const s of taken) {
      if (Date.parse(s.at) > now - ORPHAN_MS || (await ops.endpointExists(userId, s.endpointId))) continue;
      await ops.free(userId, s);
      freed = true;
    }
    if (!freed) return false;
  }
  return false;
}

/** Frees the slot the endpoint holds, if any. */
export async function freeSlot(ops: SlotOps, userId: string, endpointId: string): Promise<void> {
  for (const s of await ops.taken(userId)) if (s.endpointId === endpointId) await ops.free(userId, s);
}
