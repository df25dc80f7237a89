/** Exponential backoff with ±20% jitter, bounded: 1 s, 2 s, 4 s ... up to maxMs. */
export function backoffMs(attempt: number, opts: { baseMs?: number; maxMs?: number; random?: () => number } = {}): number {
  const base = opts.baseMs ?? 1000;
  const max = opts.maxMs ?? 60_000;
  const raw = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  const jitter = 0.8 + 0.4 * (opts.random ?? Math.random)();
  return Math.round(Math.min(max, raw * jitter));
}
