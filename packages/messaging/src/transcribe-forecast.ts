import type { JobClass } from "@mp4t/contracts";

/** One transcribe command as the stream holds it: waiting in its queue, or running on a slot. */
export type QueuedChunk = { jobId: string; index: number; count: number; audioSec: number; publishedAt: number; startedAt?: number };

/** One (class, bucket) consumer of the transcribe stage: its chunks in flight and those waiting, oldest first. */
export type ChunkQueue = { cls: JobClass; bucket: number; running: QueuedChunk[]; waiting: QueuedChunk[] };

/**
 * Work still to come: a (class, bucket) queue that lately received a new job every
 * `everySec` seconds, each of `chunks` chunks of `audioSec` queued at once, the next at `firstAt`
 * (epoch ms; `everySec` from now when absent). With buckets taking turns, each such job
 * interleaves with the waiting one's chunks.
 */
export type Arrival = { cls: JobClass; bucket: number; everySec: number; chunks: number; audioSec: number; firstAt?: number };

export type ForecastInput = {
  now: number;
  /** The transcriber's slots across replicas (at least those seen busy). */
  slots: number;
  /** Seconds one slot spends per second of audio. */
  pace: number;
  /** Seconds on a slot for a chunk of this much audio when measured at about that length, else undefined (`pace` then). */
  chunkSec?: (audioSec: number) => number | undefined;
  batchEvery: number;
  queues: ChunkQueue[];
  /**
   * Played forward, one job per `everySec` per queue from its `firstAt`, first in, first out with
   * what the queue holds and what chains queue later (in the asked-about job's own queue: behind
   * its chunks queued now, ahead of a chained job's later ones).
   */
  arrivals?: Arrival[];
  /**
   * Per class, the bucket the dispatch served last (its round-robin cursor), where known; the next
   * served is the first bucket with work after it.
   */
  cursor?: Partial<Record<JobClass, number>>;
  /** The job asked about: where its chunks queue, its remaining chunks (index, s of audio), and whether it is queued one ahead. */
  target: { jobId: string; cls: JobClass; bucket: number; remaining: { index: number; audioSec: number }[]; chained: boolean };
};

/**
 * Seconds from now until the job's first remaining chunk starts and until its last one ends, and
 * the chunks that start before its first (0 when one of its chunks runs). NaN where the play gave
 * up (STEPS dispatches) before it could tell: past its start, the finish is drawn out at the pace
 * its chunks started so far when two had.
 */
export type Forecast = { startInSec: number; finishInSec: number; ahead: number };

/** Dispatches played at most: a busy system's jobs to come can hold a long job's chunks back indefinitely. */
const STEPS = 10_000;

const key = (jobId: string, index: number) => `${jobId}\u0000${index}`;

/**
 * Plays the transcriber's dispatch forward from what the stream holds now (`lane-scheduler.ts`
 * rules: interactive first with every `batchEvery`-th dispatch to batch while both wait, buckets
 * round-robin within a class, first in first out within a bucket) until the job's chunks are done:
 * - a running chunk ends at its start + its time (its audio x pace, or as chunks of its length
 *   were seen to take; half of that from now when its start is unknown);
 * - a free slot takes the next chunk the rules pick;
 * - a chunk of a chained job (its next chunk not in the stream yet) queues that next chunk at the
 *   tail of its queue as it starts while another slot is free, else as it ends (the transcriber's
 *   rule); of the same length (the asked-about job's from its plan);
 * - jobs still to come (`arrivals`) are counted into their queues as they arrive, one job of a
 *   stream at a time, each queue first in, first out (a chained job's next chunk goes behind
 *   those arrived before it).
 * The round-robin cursor is given per class when known (the bucket served last); when the job's
 * class's is not, the result is the mean of the job's bucket served first and last.
 */
export function forecastTranscribe(input: ForecastInput): Forecast {
  const { target } = input;
  const known = input.cursor?.[target.cls];
  const cursors = known !== undefined ? [known] : [target.bucket - 1, target.bucket];
  const runs = cursors.map((c) => play(input, { interactive: c, batch: c, ...input.cursor, [target.cls]: c }));
  const mean = (f: (x: Forecast) => number) => runs.reduce((a, r) => a + f(r), 0) / runs.length;
  return { startInSec: mean((r) => r.startInSec), finishInSec: mean((r) => r.finishInSec), ahead: Math.round(mean((r) => r.ahead)) };
}

function play(input: ForecastInput, cursorStart: Record<JobClass, number>): Forecast {
  const { now, pace, target } = input;
  const secOf = (c: { audioSec: number }) => input.chunkSec?.(c.audioSec) ?? c.audioSec * pace;
  const queues = input.queues.map((q) => ({ ...q, waiting: [...q.waiting] }));
  // Chunks in the stream or counted as sent (a Set: arrivals add thousands on a busy system).
  const present = new Set(queues.flatMap((q) => [...q.running, ...q.waiting].map((c) => key(c.jobId, c.index))));
  const has = (jobId: string, index: number) => present.has(key(jobId, index));
  const queueOf = (cls: JobClass, bucket: number) => {
    let q = queues.find((x) => x.cls === cls && x.bucket === bucket);
    if (!q) {
      queues.push((q = { cls, bucket, running: [], waiting: [] }));
      queues.sort((a, b) => a.bucket - b.bucket);
    }
    return q;
  };
  const own = () => queueOf(target.cls, target.bucket);
  const isTarget = (c: QueuedChunk) => c.jobId === target.jobId && c.jobId !== ""; // "": a job to come
  const left = new Set(target.remaining.map((c) => c.index));
  // The job's chunks not in the stream: queued whole, they are all about to be; one ahead, each start lets the next in.
  const unsent = target.remaining
    .filter((c) => !has(target.jobId, c.index))
    .map((c) => ({ jobId: target.jobId, index: c.index, count: 0, audioSec: c.audioSec, publishedAt: now }));
  const send = (n: number, t: number) => own().waiting.push(...unsent.splice(0, n).map((c) => ({ ...c, publishedAt: t })));

  // Slots: the running chunks' ends (now at the earliest), then idle ones.
  const running = queues.flatMap((q) => q.running);
  const endOf = (c: QueuedChunk) => (c.startedAt === undefined ? now + (secOf(c) / 2) * 1000 : Math.max(now, c.startedAt + secOf(c) * 1000));
  const free = running.map(endOf);
  while (free.length < input.slots) free.push(now);
  // Chunks queued later: a chained chunk that started with every slot busy queues its next as it ends.
  // Kept in time order (ties in the order scheduled): each step takes what is due from its head.
  const later: { at: number; queue: (at: number) => void }[] = [];
  const schedule = (x: { at: number; queue: (at: number) => void }) => {
    let lo = 0;
    for (let hi = later.length; lo < hi; ) {
      const mid = (lo + hi) >> 1;
      if (later[mid]!.at <= x.at) lo = mid + 1;
      else hi = mid;
    }
    later.splice(lo, 0, x);
  };
  const nextOf = (c: QueuedChunk, q: { waiting: QueuedChunk[] }) => {
    if (isTarget(c)) return target.chained && unsent.length > 0 ? (t: number) => send(1, t) : undefined;
    if (c.index + 1 >= c.count || has(c.jobId, c.index + 1)) return undefined;
    const next = { ...c, index: c.index + 1, startedAt: undefined };
    present.add(key(next.jobId, next.index)); // counted as sent already, so it is queued once
    return (t: number) => q.waiting.push({ ...next, publishedAt: t });
  };
  let start: number | undefined;
  let ahead = 0;
  let finish = now;
  for (const q of queues) {
    for (const c of q.running) {
      const queue = nextOf(c, q);
      if (queue) schedule({ at: endOf(c), queue });
      if (!isTarget(c)) continue;
      left.delete(c.index);
      finish = Math.max(finish, endOf(c));
      start = now;
    }
  }
  // Jobs to come: counted, not queued (on a busy system they outrun the slots by thousands of
  // chunks over a long job's play). A stream has one job at a time: its sender is taken to wait
  // for it, as a user polling one does, so the next comes one interval after the last, or as the
  // last one's chunks have all been taken when that is later (open-ended, a stream faster than its
  // queue is served piled up without end, and a chained job sharing the queue was played waiting
  // ever longer: 1571 s shown for 141 s). Its chunks are taken in the order of their arrival among
  // the queue's, each as a one-chunk job of the stream's audio.
  type Stream = { nextAt: number; everyMs: number; chunks: number; audioSec: number; left: number; arrivedAt: number; freeAt: number };
  const streams = new Map<ChunkQueue, Stream>();
  for (const a of input.arrivals ?? []) {
    if (a.everySec > 0 && a.chunks > 0) {
      const nextAt = Math.max(now, a.firstAt ?? now + a.everySec * 1000);
      streams.set(queueOf(a.cls, a.bucket), { nextAt, everyMs: a.everySec * 1000, chunks: a.chunks, audioSec: a.audioSec, left: 0, arrivedAt: 0, freeAt: now });
    }
  }
  /** Whether the stream has a job's chunks waiting at `t` (its next job arrives when due and the last is taken). */
  const settle = (x: Stream, t: number) => {
    const due = Math.max(x.nextAt, x.freeAt);
    if (x.left === 0 && due <= t) {
      x.left = x.chunks;
      x.arrivedAt = due;
      x.nextAt = due + x.everyMs;
    }
    return x.left > 0;
  };
  const hasWork = (q: ChunkQueue, t: number) => {
    if (q.waiting.length > 0) return true;
    const x = streams.get(q);
    return x !== undefined && settle(x, t);
  };
  /** First in, first out: the chunk queued first, of those the queue holds and the stream's job. */
  const take = (q: ChunkQueue, t: number): QueuedChunk => {
    const x = streams.get(q);
    const head = q.waiting[0];
    if (!x || !settle(x, t) || (head && head.publishedAt <= x.arrivedAt)) return q.waiting.shift()!;
    if (--x.left === 0) x.freeAt = t;
    return { jobId: "", index: 0, count: 1, audioSec: x.audioSec, publishedAt: x.arrivedAt };
  };
  /** When the next job of a stream with none waiting arrives (Infinity: no stream). */
  const nextArrival = () => Math.min(...[...streams.values()].filter((x) => x.left === 0).map((x) => Math.max(x.nextAt, x.freeAt)), Number.POSITIVE_INFINITY);
  if (!target.chained) send(unsent.length, now);
  // About to be queued (ingest): none of its chunks runs or waits. Other jobs' chunks queued later do
  // not delay it (counting them here once left a chained job unplayed: finish "now").
  else if (!own().waiting.some(isTarget) && start === undefined) send(1, now);

  const cursor = { ...cursorStart };
  let dispatched = 0;
  queues.sort((a, b) => a.bucket - b.bucket);
  const pick = (t: number) => {
    const withWork = (cls: JobClass) => queues.filter((q) => q.cls === cls && hasWork(q, t));
    const inter = withWork("interactive");
    const batch = withWork("batch");
    if (!inter.length && !batch.length) return undefined;
    dispatched++;
    const cls: JobClass = batch.length > 0 && (inter.length === 0 || dispatched % input.batchEvery === 0) ? "batch" : "interactive";
    const list = cls === "batch" ? batch : inter;
    const q = list.find((x) => x.bucket > cursor[cls]) ?? list[0]!;
    cursor[cls] = q.bucket;
    return q;
  };
  const flush = (t: number) => {
    while (later.length && later[0]!.at <= t) {
      const x = later.shift()!;
      x.queue(x.at);
    }
  };

  const starts: number[] = [];
  let steps = 0;
  for (; left.size > 0 && steps < STEPS; steps++) {
    const slot = free.indexOf(Math.min(...free));
    const at = free[slot]!;
    flush(at);
    const q = pick(at);
    if (!q) {
      if (!later.length && unsent.length) {
        send(target.chained ? 1 : unsent.length, at); // nothing else to run: its next chunk is queued now
        continue;
      }
      if (!later.length) break;
      const next = Math.min(later[0]!.at, nextArrival());
      free[slot] = next > at ? next : at + 1; // idle until something is queued
      continue;
    }
    const c = take(q, at);
    free[slot] = at + secOf(c) * 1000;
    if (start === undefined && !isTarget(c)) ahead++;
    if (isTarget(c)) {
      start ??= at;
      starts.push(at);
      left.delete(c.index);
      finish = Math.max(finish, free[slot]!);
    }
    // A chained chunk queues its next as it starts while a slot is free, else as it ends.
    const queue = nextOf(c, q);
    if (queue && free.some((f, j) => j !== slot && f <= at)) queue(at);
    else if (queue) schedule({ at: free[slot]!, queue });
  }
  if (left.size > 0 && steps >= STEPS) {
    if (start === undefined) return { startInSec: Number.NaN, finishInSec: Number.NaN, ahead };
    const every = starts.length >= 2 ? (starts.at(-1)! - starts[0]!) / (starts.length - 1) : Number.NaN;
    finish += every * left.size;
  }
  return { startInSec: ((start ?? now) - now) / 1000, finishInSec: (finish - now) / 1000, ahead };
}
