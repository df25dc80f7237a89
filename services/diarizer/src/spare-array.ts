/**
 * One array of a kind kept from job to job, up to `max` elements: the job's audio as read (1.9 MB
 * a minute) and decoded (3.8 MB) are the diarizer's biggest allocations, and on this kind of VM
 * each fresh 4 KiB page costs a fault of about 14 us (docs/architecture.md, "Page faults"). Longer
 * recordings, and a job diarized while another holds the array, allocate their own. Only arrays
 * it made are taken back (a store may return a view of memory shared with others).
 */
export function spareArray<T extends Uint8Array | Float32Array>(make: (n: number) => T, whole: (a: T) => T, max: number) {
  let kept: T | undefined;
  const made = new WeakSet<ArrayBufferLike>();
  return {
    borrow(n: number): T {
      if (kept && kept.length >= n) {
        const k = kept;
        kept = undefined;
        return k.subarray(0, n) as T;
      }
      const fresh = make(n);
      made.add(fresh.buffer);
      return fresh;
    },
    give(a: T) {
      if (!made.has(a.buffer)) return;
      const w = whole(a);
      if (w.length <= max && (!kept || kept.length < w.length)) kept = w;
    },
  };
}
