/**
 * Arrays of one kind kept from job to job, up to `keep` of them of at most `max` elements each:
 * the big per-job buffers (a job's audio as read and decoded, a chunk sent to the engine). On this
 * kind of VM each fresh 4 KiB page costs a fault of about 14 us (docs/architecture.md, "Page
 * faults"), and a buffer of 32 KiB or more is fresh memory each time (`MALLOC_MMAP_THRESHOLD_`).
 * A borrower gets a view of a kept array big enough, or a fresh one (a longer recording, or all
 * kept ones lent out); giving it back keeps it for the next, unless it is over `max` or the
 * arrays kept are already `keep` of at least its size. Only arrays it made are taken back (a
 * store may return a view of memory shared with others). Give back only what nothing reads any more.
 * With `shared`, the arrays it makes are over a SharedArrayBuffer: a worker thread posted such a
 * view reads the same memory, with no copy made or transferred (the diarizer's thread).
 */
export function spareArray<T extends Uint8Array | Float32Array>(
  Kind: { new (n: number): T; new (buffer: ArrayBufferLike): T; readonly BYTES_PER_ELEMENT: number },
  max: number,
  { keep = 1, shared = false }: { keep?: number; shared?: boolean } = {},
) {
  const make = (n: number) => (shared ? new Kind(new SharedArrayBuffer(n * Kind.BYTES_PER_ELEMENT)) : new Kind(n));
  const whole = (a: T) => new Kind(a.buffer);
  const kept: T[] = [];
  const made = new WeakSet<ArrayBufferLike>();
  return {
    borrow(n: number): T {
      // The smallest kept array that fits: a short last chunk leaves the big one to a full chunk.
      let i = -1;
      for (let j = 0; j < kept.length; j++) if (kept[j]!.length >= n && (i < 0 || kept[j]!.length < kept[i]!.length)) i = j;
      if (i >= 0) return kept.splice(i, 1)[0]!.subarray(0, n) as T;
      const fresh = make(n);
      made.add(fresh.buffer);
      return fresh;
    },
    give(a: T) {
      if (!made.has(a.buffer) || a.buffer.byteLength === 0) return; // not ours, or transferred away
      const w = whole(a);
      if (w.length > max || kept.some((k) => k.buffer === w.buffer)) return;
      if (kept.length < keep) kept.push(w);
      else {
        const smallest = kept.reduce((s, k, i) => (k.length < kept[s]!.length ? i : s), 0);
        if (kept[smallest]!.length < w.length) kept[smallest] = w;
      }
    },
  };
}
