const MAX_ENTRIES = 10_000;

/**
 * Reads kept for at most `ttlMs` per key (0: none kept); concurrent misses share one read, a
 * failed read is not remembered, and past MAX_ENTRIES the oldest entry goes.
 */
export function readThroughCache<V>(read: (key: string) => Promise<V>, ttlMs: number) {
  const entries = new Map<string, { at: number; value: Promise<V> }>();
  return {
    /** `notBefore` (ms): an entry read earlier is not used. */
    get(key: string, notBefore = 0): Promise<V> {
      const now = Date.now();
      const hit = entries.get(key);
      if (hit && now - hit.at < ttlMs && hit.at >= notBefore) return hit.value;
      const value = read(key);
      if (ttlMs > 0) {
        if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
        entries.delete(key); // re-insert at the end: the map's order is then oldest first
        entries.set(key, { at: now, value });
        value.catch(() => entries.delete(key));
      }
      return value;
    },
    forget(key: string) {
      entries.delete(key);
    },
  };
}
