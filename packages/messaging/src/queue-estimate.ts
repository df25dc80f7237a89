import {
  FAIR_BUCKETS,
  JOB_CLASSES,
  PIPELINE_STAGES,
  STAGE_LANES,
  Streams,
  Subjects,
  fairDurableName,
  isTerminal,
  userBucket,
  type Job,
  type JobClass,
  type JobQueue,
  type PipelineStage,
} from "@mp4t/contracts";
import type { ConsumerInfo, JetStreamManager } from "@nats-io/jetstream";
import { createArrivalLog } from "./arrival-log.ts";
import { forecastTranscribe, type ChunkQueue, type QueuedChunk } from "./transcribe-forecast.ts";
import { createTranscribePace } from "./transcribe-pace.ts";
import { directBatch } from "./stream-read.ts";

/** A lane's consumer listing is reused for this long: many clients polling cost one request a second. */
const SNAPSHOT_MS = 1000;
/**
 * ... except for a job that entered its stage after the listing began, which it cannot show in
 * its queue, nor what queued beside it meanwhile: listed again, at most this often.
 */
const STALE_MS = 100;
/** Throughput is measured over at most this window, and at least MIN_SPAN_MS of it. */
const RATE_WINDOW_MS = 120_000;
const MIN_SPAN_MS = 2000;
/** The transcriber's slots from service discovery are read again after this long. */
const SLOTS_MS = 10_000;
/** Messages of a job's own bucket scanned (one batched direct get) to find its place. */
const SCAN = 256;
/** A work message's job (every command carries `jobId`, a generated id, first among its fields or not). */
const JOB_ID = /"jobId":"([^"\\]+)"/;

/** A lane's consumers as listed: `began` when the listing was asked for, `at` when it was complete. */
type Snapshot = { began: number; at: number; byName: Map<string, ConsumerInfo> };

/**
 * Queue position and estimates for a job that has not ended, computed when it is read:
 * - position: messages of its waiting stage dispatched before its own, following the workers'
 *   rules: k messages ahead in its own (class, bucket) queue (found by scanning that queue once);
 *   round-robin over buckets, so each other bucket sends min(its backlog, k) plus, for half of
 *   those with more, one more; an interactive job also lets batch have every Nth dispatch, a
 *   batch job waits for interactive work beside it (N - 1 interactive per batch dispatch).
 * - at the transcribe stage (the bulk of a job), once a finished job taught the pace: the stream's
 *   chunks played forward under the same rules (`transcribe-forecast.ts`), with jobs still to
 *   come at the rate the listings saw them arrive (`arrival-log.ts`): position = the
 *   chunks that start before the job's first, start = that start, finish = its last chunk's end +
 *   the learnt time from transcription to completion (`transcribe-pace.ts`);
 * - past it: the transcription's end + that time;
 * - otherwise (ingest, nothing learnt yet): start = now + position / the stage's throughput
 *   (acknowledgements per second over the last two minutes of snapshots), now when nothing is
 *   ahead; finish = start + the job's remaining messages per stage x the stage's time per message
 *   (Little's law: messages in flight / throughput), null until every stage involved is measured
 *   (and before ingest has sized the job).
 */
export function createQueueEstimator(
  getJsm: () => Promise<JetStreamManager>,
  opts: {
    batchEvery?: number;
    now?: () => number;
    /**
     * The transcriber's slots as the live replicas report them (service discovery); undefined
     * while unknown. Read at most every SLOTS_MS in the background: a poll never waits for it.
     */
    transcribeSlots?: () => Promise<number | undefined>;
  } = {},
) {
  const now = opts.now ?? Date.now;
  let reported: { at: number; slots: number | undefined } | undefined;
  let reading = false;
  /** The slots discovery reported last (refreshed in the background when older than SLOTS_MS). */
  const reportedSlots = () => {
    if (opts.transcribeSlots && !reading && (!reported || now() - reported.at > SLOTS_MS)) {
      reading = true;
      opts
        .transcribeSlots()
        .then((slots) => (reported = { at: now(), slots }))
        .catch(() => (reported = { at: now(), slots: reported?.slots }))
        .finally(() => (reading = false));
    }
    return reported?.slots;
  };
  const batchEvery = opts.batchEvery ?? 5;
  const snapshots = new Map<string, Promise<Snapshot>>();
  const acked = new Map<PipelineStage, { at: number; n: number; inFlight: number }[]>();
  const pace = createTranscribePace();
  const perMessageSec = new Map<PipelineStage, number>();
  const rate = new Map<PipelineStage, number>();

  const stageConsumers = (snap: Snapshot, stage: PipelineStage) =>
    JOB_CLASSES.flatMap((c) => Array.from({ length: FAIR_BUCKETS }, (_, b) => snap.byName.get(fairDurableName(stage, c, b))).filter((x) => x !== undefined));

  function learn(snap: Snapshot) {
    for (const stage of PIPELINE_STAGES) {
      const cis = stageConsumers(snap, stage);
      if (!cis.length || Streams.lane(STAGE_LANES[stage]) !== cis[0]!.stream_name) continue;
      const samples = acked.get(stage) ?? [];
      // One sample a SNAPSHOT_MS: listings taken again sooner for a new job (STALE_MS) would crowd
      // the window, and two close together can catch one transient in-flight count twice (peakSlots).
      if (samples.length > 0 && snap.at - samples.at(-1)!.at < SNAPSHOT_MS) continue;
      const inFlight = cis.reduce((a, ci) => a + ci.num_ack_pending, 0);
      samples.push({ at: snap.at, n: cis.reduce((a, ci) => a + ci.ack_floor.consumer_seq, 0), inFlight });
      while (samples.length > 2 && snap.at - samples[1]!.at > RATE_WINDOW_MS) samples.shift();
      acked.set(stage, samples);
      const first = samples[0]!;
      const last = samples.at(-1)!;
      if (last.at - first.at < MIN_SPAN_MS) continue;
      const r = (last.n - first.n) / ((last.at - first.at) / 1000);
      if (r <= 0) continue; // idle: keep what was last measured
      rate.set(stage, r);
      if (inFlight > 0) perMessageSec.set(stage, inFlight / r);
    }
  }

  /**
   * The lane's listing, reused for SNAPSHOT_MS; one asked for before `notBefore` only for STALE_MS
   * after it was complete. One listing per lane at a time: callers that waited on one that turns
   * out stale for them join the next one asked for meanwhile rather than each asking again.
   */
  async function snapshot(stream: string, notBefore = 0): Promise<Snapshot> {
    for (let cached = snapshots.get(stream); cached; ) {
      const c = await cached.catch(() => undefined);
      const latest = snapshots.get(stream);
      if (latest !== cached) {
        cached = latest; // a newer one was asked for meanwhile: judge that one
        continue;
      }
      if (c && now() - c.at < SNAPSHOT_MS && (c.began >= notBefore || now() - c.at < STALE_MS)) return c;
      break;
    }
    const fresh = (async () => {
      const began = now();
      const jsm = await getJsm();
      const byName = new Map<string, ConsumerInfo>();
      for await (const ci of jsm.consumers.list(stream)) byName.set(ci.name, ci);
      const snap = { began, at: now(), byName };
      learn(snap);
      return snap;
    })();
    snapshots.set(stream, fresh);
    fresh.catch(() => snapshots.delete(stream));
    return fresh;
  }

  /** When the job entered `stage`: the end of the stage before it, else its creation. */
  const enteredAt = (job: Job, stage: PipelineStage) =>
    Math.max(
      Date.parse(job.createdAt),
      ...PIPELINE_STAGES.slice(0, PIPELINE_STAGES.indexOf(stage)).map((s) => Date.parse(job.stages[s]?.finishedAt ?? "") || 0),
    );

  /** The stage a job waits at (or runs in): the first pipeline stage not yet done. */
  const currentStage = (job: Job): PipelineStage | undefined =>
    job.status === "queued" ? "ingest" : PIPELINE_STAGES.find((s) => !["done", "skipped"].includes(job.stages[s]?.status ?? "pending"));

  /**
   * One scan of a bucket's waiting messages per listing, shared by every poll of a job in it: the
   * first message of each job, by place. Under load hundreds of clients poll a second, and each
   * scanning its bucket itself decoded up to SCAN messages per poll.
   */
  const scans = new Map<string, { at: number; scan: Promise<{ first: Map<string, number>; full: boolean }> }>();
  /** The first place of each job among a bucket's waiting messages from `fromSeq` (up to SCAN of them). */
  async function readBucket(stream: string, subject: string, fromSeq: number) {
    const batch = await directBatch(await getJsm(), stream, subject, { seq: fromSeq }, SCAN);
    const first = new Map<string, number>();
    const text = new TextDecoder();
    batch.forEach((m, i) => {
      const id = JOB_ID.exec(text.decode(m.data))?.[1];
      if (id !== undefined && !first.has(id)) first.set(id, i);
    });
    return { first, full: batch.length >= SCAN };
  }
  function scanBucket(stream: string, subject: string, fromSeq: number, at: number) {
    const key = `${stream} ${subject} ${fromSeq}`;
    const hit = scans.get(key);
    if (hit && hit.at === at) return hit.scan;
    for (const [k, v] of scans) if (now() - v.at > 2 * SNAPSHOT_MS) scans.delete(k); // scans of listings no longer served
    const scan = readBucket(stream, subject, fromSeq);
    scans.set(key, { at, scan });
    scan.catch(() => scans.get(key)?.scan === scan && scans.delete(key));
    return scan;
  }

  /** How many of the job's own bucket's messages wait before its first one; null: none waits. */
  async function aheadInBucket(stream: string, stage: PipelineStage, job: Job, mine: ConsumerInfo, snapAt: number): Promise<number | null> {
    if (mine.num_pending === 0) return null;
    const subject = Subjects.work(stage, job.options.class, job.userId);
    let { first, full } = await scanBucket(stream, subject, mine.delivered.stream_seq + 1, snapAt);
    // Not in the shared scan: in flight, or queued after it was made (it is up to a listing old). A
    // scan of its own tells which, as every poll did before the scans were shared.
    if (!first.has(job.id) && !full) ({ first, full } = await readBucket(stream, subject, mine.delivered.stream_seq + 1));
    const i = first.get(job.id);
    if (i !== undefined) return i;
    return full ? mine.num_pending : null; // beyond the scan: behind it all, as far as we know
  }

  function position(snap: Snapshot, stage: PipelineStage, cls: JobClass, bucket: number, k: number): number {
    const pending = (c: JobClass, b: number) => Math.max(0, snap.byName.get(fairDurableName(stage, c, b))?.num_pending ?? 0);
    let others = 0;
    let longer = 0;
    for (let b = 0; b < FAIR_BUCKETS; b++) {
      if (b === bucket) continue;
      others += Math.min(pending(cls, b), k);
      if (pending(cls, b) > k) longer++;
    }
    const sameClass = k + others + Math.ceil(longer / 2);
    const other = Array.from({ length: FAIR_BUCKETS }, (_, b) => pending(cls === "interactive" ? "batch" : "interactive", b)).reduce((a, n) => a + n, 0);
    const cross = cls === "interactive" ? Math.floor(sameClass / (batchEvery - 1)) : sameClass * (batchEvery - 1);
    return sameClass + Math.min(other, cross);
  }

  /**
   * The transcriber's slots: what the live replicas report (discovery), else the most seen busy at
   * once lately, in two listings at least (a slot's next message can be counted before its last
   * one's acknowledgement: one listing may show one more). Seen busy alone undercounts a system
   * that has not been busy yet: after one short job on an idle system it said 1 of 2 slots, and
   * the short jobs' finish estimates of the fairness bench came out twice their time.
   */
  const peakSlots = () => {
    const known = reportedSlots();
    if (known !== undefined && known > 0) return known;
    const seen = (acked.get("transcribe") ?? []).map((x) => x.inFlight).sort((a, b) => b - a);
    return Math.max(1, seen.length > 1 ? seen[1]! : (seen[0] ?? 1));
  };

  /** Messages the job still sends through each stage from `from` on; null where not yet known. */
  function remaining(job: Job, from: PipelineStage): [PipelineStage, number | null, number][] {
    const stages = PIPELINE_STAGES.slice(PIPELINE_STAGES.indexOf(from));
    return stages.map((s) => {
      if (s !== "transcribe") return [s, 1, 1];
      const c = job.chunks;
      if (!c) return [s, null, 1];
      const left = c.count - c.done.length;
      return [s, left, Math.max(1, Math.min(peakSlots(), left))];
    });
  }

  /** Seconds from now to the job's completion by the stages' time per message (Little's law); null when one is unmeasured. */
  function byStages(job: Job, from: PipelineStage): number | null {
    let sec = 0;
    for (const [s, n, parallel] of remaining(job, from)) {
      // A stage never caught with work in flight at a snapshot is far shorter than one: 0; the
      // transcriber's time per chunk (the bulk of a job) must have been measured.
      const w = perMessageSec.get(s) ?? (s === "transcribe" ? undefined : 0);
      if (n === null || w === undefined) return null;
      sec += Math.ceil(n / parallel) * w;
    }
    return sec;
  }

  /** Seconds after the job's transcription: learnt from finished jobs, else by the stages. */
  const tailSec = (job: Job) => pace.tailSec(job.media?.durationSec ?? 0) ?? byStages(job, "diarize");

  /** The transcribe forecast: when the job's first remaining chunk starts and its last ends, from now. */
  async function transcribeForecast(job: Job, snap: Snapshot, t: number) {
    const p = pace.pace();
    const c = job.chunks;
    if (p === undefined || !c) return undefined;
    const audio = (i: number) => (c.plan?.[i] ? Math.max(0, c.plan[i]![1] - c.plan[i]![0]) : (job.media?.durationSec ?? 0) / Math.max(1, c.count));
    const remainingChunks = Array.from({ length: c.count }, (_, index) => index)
      .filter((i) => !c.done.includes(i))
      .map((index) => ({ index, audioSec: audio(index) }));
    return forecastTranscribe({
      now: t,
      slots: peakSlots(),
      pace: p,
      batchEvery,
      queues: await chunks.read(snap),
      arrivals: chunks.arrivals(t),
      // Chunks timed from the listings read long (by 0.1-0.4 s for chunks of 0.3-6 s on the fairness
      // bench); they stand in for chunk lengths only while the pace is from stage times.
      chunkSec: pace.fromBusyTime() ? undefined : chunks.chunkSec,
      cursor: lastServed(snap),
      target: { jobId: job.id, cls: job.options.class, bucket: userBucket(job.userId), remaining: remainingChunks, chained: c.window !== undefined },
    });
  }

  const chunks = createChunkReader(getJsm);

  /**
   * Per class, the transcribe bucket whose consumer delivered last (`delivered.last_active`): the
   * dispatch's round-robin cursor. Exact with one transcriber replica and no redelivery; with more
   * replicas each keeps its own, and this is the cursor of the one that dispatched last; a
   * redelivery or a probe for a retry (`lane-scheduler.ts`) delivers without moving the cursor.
   */
  const lastServed = (snap: Snapshot) => {
    const cursor: Partial<Record<JobClass, number>> = {};
    for (const cls of JOB_CLASSES) {
      let latest = 0;
      for (let b = 0; b < FAIR_BUCKETS; b++) {
        const at = activeAt(snap.byName.get(fairDurableName("transcribe", cls, b)));
        if (at > latest) [latest, cursor[cls]] = [at, b];
      }
    }
    return cursor;
  };

  return {
    async estimate(job: Job): Promise<JobQueue | undefined> {
      pace.learn(job, peakSlots());
      if (isTerminal(job.status)) return undefined;
      const stage = currentStage(job);
      if (!stage) return undefined;
      const stream = Streams.lane(STAGE_LANES[stage]);
      // A listing from before the job came to this stage shows neither it nor what queued beside it since.
      const snap = await snapshot(stream, enteredAt(job, stage));
      // The later stages' lanes too, so their time per message is measured as well.
      await Promise.all([...new Set(PIPELINE_STAGES.map((s) => Streams.lane(STAGE_LANES[s])))].filter((s) => s !== stream).map((s) => snapshot(s)));
      const bucket = userBucket(job.userId);
      const mine = snap.byName.get(fairDurableName(stage, job.options.class, bucket));
      const k = mine ? await aheadInBucket(stream, stage, job, mine, snap.at) : null;
      let pos = k === null ? 0 : position(snap, stage, job.options.class, bucket, k);
      const t = now();
      const r = rate.get(stage);
      // A stage already at work on the job (chunks running) started when it says.
      const began = job.stages[stage]?.status === "running" ? job.stages[stage]?.startedAt : undefined;
      const iso = (x: number | null) => (x === null ? null : new Date(x).toISOString());
      let start: number | null = pos === 0 ? t : r ? t + (pos / r) * 1000 : null;
      let finish: number | null = null;
      const transcribed = job.stages.transcribe?.finishedAt;
      if (stage === "transcribe") {
        const f = await transcribeForecast(job, snap, t);
        const tail = tailSec(job);
        if (f && Number.isFinite(f.startInSec)) {
          start = t + f.startInSec * 1000;
          pos = f.ahead; // the dispatches before its first chunk, as played out (its chunks may not be queued yet)
        }
        finish = f && Number.isFinite(f.finishInSec) && tail !== null ? t + (f.finishInSec + tail) * 1000 : null;
      } else if (transcribed && pace.tailSec(0) !== undefined) {
        finish = Math.max(t, Date.parse(transcribed) + tailSec(job)! * 1000);
      } else {
        const rest = byStages(job, stage);
        finish = start !== null && rest !== null ? start + rest * 1000 : null;
      }
      return { stage, position: pos, estimatedStartAt: began ?? iso(start), estimatedFinishAt: iso(finish) };
    },
  };
}

/**
 * When a consumer last delivered (epoch ms), 0 when it never did. The server sends an RFC 3339
 * time with nanoseconds (the client types it as a number): cut to milliseconds before parsing.
 */
function activeAt(ci: ConsumerInfo | undefined): number {
  const raw = (ci?.delivered as { last_active?: unknown } | undefined)?.last_active;
  if (typeof raw !== "string") return 0;
  return Date.parse(raw.replace(/(\.\d{3})\d+/, "$1")) || 0;
}

/** A running chunk whose next chunk was queued this much later than itself started then (queued one ahead). */
const CHAIN_GAP_MS = 50;
/** A chunk's end is timed from two listings at most this far apart (its end lies between them). */
const MAX_END_GAP_MS = 2500;
/** ... and at most this share of the chunk's measured time (its end's error is half the gap). */
const MAX_END_GAP_SHARE = 0.5;
const RAN_SAMPLES = 40;

/**
 * Reads the transcribe stage's chunks from the stream (one batched direct get per consumer with
 * work, once per listing): the unacknowledged ones (up to the consumer's delivered sequence) run,
 * the rest wait. A running chunk's start: its consumer's last delivery time when it was the newest
 * delivered of its queue at a look (and nothing was redelivered), else the time its next chunk was
 * queued when that came later (a chained job's chunk queues it as it starts while a slot is free),
 * else the middle of the two listings between which it was first seen running (or its queueing,
 * when that came between them: a chunk queued as another ends is taken at once), else unknown.
 */
function createChunkReader(getJsm: () => Promise<JetStreamManager>) {
  const cache = new WeakMap<Snapshot, Promise<ChunkQueue[]>>();
  /** `exact`: the start is a delivery time read from the consumer. */
  type Seen = { waitingAt?: number; startedAt?: number; audioSec?: number; exact?: boolean };
  let seen = new Map<string, Seen>();
  let lastAt = 0;
  /** Chunks seen from start to end: their audio and seconds on a slot (the most recent). */
  const ran: { audioSec: number; sec: number }[] = [];
  const arrivals = createArrivalLog();

  async function read(snap: Snapshot): Promise<ChunkQueue[]> {
    const jsm = await getJsm();
    const queues = await readQueues(jsm, snap);
    // A listing older than one already read (a caller that waited while a newer one was read): its
    // chunks serve its caller, but they would time chunks from the past and roll `seen` back.
    if (snap.at < lastAt) return queues;
    track(snap, queues);
    return queues;
  }

  async function readQueues(jsm: JetStreamManager, snap: Snapshot): Promise<ChunkQueue[]> {
    const consumers = JOB_CLASSES.flatMap((cls) =>
      Array.from({ length: FAIR_BUCKETS }, (_, b) => ({ cls, b, ci: snap.byName.get(fairDurableName("transcribe", cls, b)) })),
    );
    const queues = await Promise.all(
      consumers
        .filter(({ ci }) => ci && ci.num_pending + ci.num_ack_pending > 0)
        .map(async ({ cls, b, ci }) => {
          const q: ChunkQueue = { cls, bucket: b, running: [], waiting: [] };
          if (!ci) return q;
          const batch = await directBatch(
            jsm,
            ci.stream_name,
            Subjects.fairFilters("transcribe", cls, b)[0]!,
            { seq: ci.ack_floor.stream_seq + 1 },
            Math.min(SCAN, ci.num_pending + ci.num_ack_pending),
          );
          // The consumer's last delivery (the server's clock, as `publishedAt`) is when its newest
          // running chunk started, unless a redelivery of an older one came since.
          const deliveredAt = ci.num_redelivered === 0 ? activeAt(ci) : 0;
          for (const m of batch) {
            const cmd = parseChunk(m.data);
            if (!cmd) continue;
            const chunk: QueuedChunk = { ...cmd, publishedAt: m.time.getTime() };
            if (m.seq === ci.delivered.stream_seq && deliveredAt > 0) chunk.startedAt = deliveredAt;
            (m.seq <= ci.delivered.stream_seq ? q.running : q.waiting).push(chunk);
          }
          return q;
        }),
    );
    return queues;
  }

  /** What the listing says of the chunks since the last one: their starts, and the ends of those gone. */
  function track(snap: Snapshot, queues: ChunkQueue[]) {
    const next = new Map<string, Seen>();
    const all = queues.flatMap((q) => [...q.running, ...q.waiting]);
    // A chunk running at the last listing with a known start and gone now ended between the two.
    const recent = snap.at - lastAt <= MAX_END_GAP_MS;
    if (recent) {
      for (const [key, x] of seen) {
        if (x.startedAt === undefined || !x.audioSec || all.some((c) => `${c.jobId}:${c.index}` === key)) continue;
        const sec = Math.max(0, (lastAt + snap.at) / 2 - x.startedAt) / 1000;
        // Its end is known to half the gap between the listings: kept only when that is a small
        // share of its time (listings come at most once a second, so sub-second chunks of a fast
        // engine were timed up to twice as long and their jobs' finishes estimated late).
        if ((snap.at - lastAt) / 1000 > sec * MAX_END_GAP_SHARE) continue;
        ran.push({ audioSec: x.audioSec, sec });
        if (ran.length > RAN_SAMPLES) ran.shift();
      }
    }
    arrivals.see(snap.at, queues);
    const previousAt = lastAt;
    lastAt = snap.at;
    for (const q of queues) {
      for (const c of q.waiting) next.set(`${c.jobId}:${c.index}`, { waitingAt: snap.at });
      for (const c of q.running) {
        const key = `${c.jobId}:${c.index}`;
        const before = seen.get(key);
        const after = all.find((x) => x.jobId === c.jobId && x.index === c.index + 1);
        // Its delivery, read from its consumer now or at an earlier look.
        const exact = c.startedAt !== undefined || before?.exact === true;
        if (exact) c.startedAt ??= before?.startedAt;
        else if (after && after.publishedAt - c.publishedAt > CHAIN_GAP_MS) c.startedAt = after.publishedAt;
        else if (before?.startedAt !== undefined) c.startedAt = before.startedAt;
        else if (before?.waitingAt !== undefined) c.startedAt = (before.waitingAt + snap.at) / 2;
        else if (!before && recent) {
          // Not there at the last listing: queued and taken since (queued as another chunk ended,
          // it is taken at once), or taken since from a queue whose head it was.
          c.startedAt = c.publishedAt > previousAt ? c.publishedAt : (previousAt + snap.at) / 2;
        }
        next.set(key, c.startedAt === undefined ? {} : { startedAt: c.startedAt, audioSec: c.audioSec, exact });
      }
    }
    seen = next;
  }

  return {
    read(snap: Snapshot): Promise<ChunkQueue[]> {
      let r = cache.get(snap);
      if (!r) cache.set(snap, (r = read(snap)));
      return r;
    },
    /** Jobs still to come, from the jobs the listings saw arrive (`arrival-log.ts`). */
    arrivals: (now: number) => arrivals.rates(now),
    /**
     * Seconds on a slot for a chunk of this much audio, from chunks of about its length seen
     * running lately (the median pace of those); undefined when none was. A job's learnt pace
     * mixes its chunks' fixed costs (blob reads, records) in at its own chunk length, which a
     * recording cut into 60 s chunks does not share with one cut into 7 s ones. Used only while
     * the pace comes from stage times: the slots' busy time is measured by the transcriber itself.
     */
    chunkSec(audioSec: number): number | undefined {
      const like = ran.filter((r) => r.audioSec >= audioSec * 0.75 && r.audioSec <= audioSec / 0.75).map((r) => r.sec / r.audioSec);
      if (!like.length) return undefined;
      return [...like].sort((a, b) => a - b)[Math.floor((like.length - 1) / 2)]! * audioSec;
    },
  };
}

/** The chunk of a transcribe command, or null for anything else. */
function parseChunk(data: Uint8Array): Omit<QueuedChunk, "publishedAt"> | null {
  try {
    const m = JSON.parse(new TextDecoder().decode(data)) as {
      jobId?: unknown;
      chunk?: { index?: unknown; count?: unknown; startSec?: unknown; endSec?: unknown };
    };
    const c = m.chunk;
    if (
      typeof m.jobId !== "string" ||
      typeof c?.index !== "number" ||
      typeof c.count !== "number" ||
      typeof c.startSec !== "number" ||
      typeof c.endSec !== "number"
    )
      return null;
    return { jobId: m.jobId, index: c.index, count: c.count, audioSec: Math.max(0, c.endSec - c.startSec) };
  } catch {
    return null;
  }
}

export type QueueEstimator = ReturnType<typeof createQueueEstimator>;
