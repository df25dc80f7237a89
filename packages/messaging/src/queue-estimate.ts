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
import { createTranscribePace, type OtherQueue } from "./transcribe-pace.ts";

/** A lane's consumer listing is reused for this long: many clients polling cost one request a second. */
const SNAPSHOT_MS = 1000;
/** Throughput is measured over at most this window, and at least MIN_SPAN_MS of it. */
const RATE_WINDOW_MS = 120_000;
const MIN_SPAN_MS = 2000;
/** Messages of a job's own bucket scanned (one batched direct get) to find its place. */
const SCAN = 256;

type Snapshot = { at: number; byName: Map<string, ConsumerInfo> };

/**
 * Queue position and estimates for a job that has not ended, computed when it is read:
 * - position: messages of its waiting stage dispatched before its own, following the workers'
 *   rules: k messages ahead in its own (class, bucket) queue (found by scanning that queue once);
 *   round-robin over buckets, so each other bucket sends min(its backlog, k) plus, for half of
 *   those with more, one more; an interactive job also lets batch have every Nth dispatch, a
 *   batch job waits for interactive work beside it (N - 1 interactive per batch dispatch).
 * - estimatedStartAt: now + position / the stage's throughput (acknowledgements per second over
 *   the last two minutes of snapshots); now when nothing is ahead.
 * - estimatedFinishAt: start + the job's remaining messages per stage x the stage's time per
 *   message (Little's law: messages in flight / throughput), chunks in parallel up to the job's
 *   window. Null until every stage involved has been measured (and before ingest has sized it).
 */
export function createQueueEstimator(getJsm: () => Promise<JetStreamManager>, opts: { batchEvery?: number; now?: () => number } = {}) {
  const now = opts.now ?? Date.now;
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

  async function snapshot(stream: string): Promise<Snapshot> {
    const cached = snapshots.get(stream);
    if (cached && now() - (await cached).at < SNAPSHOT_MS) return cached;
    const fresh = (async () => {
      const jsm = await getJsm();
      const byName = new Map<string, ConsumerInfo>();
      for await (const ci of jsm.consumers.list(stream)) byName.set(ci.name, ci);
      const snap = { at: now(), byName };
      learn(snap);
      return snap;
    })();
    snapshots.set(stream, fresh);
    fresh.catch(() => snapshots.delete(stream));
    return fresh;
  }

  /** The stage a job waits at (or runs in): the first pipeline stage not yet done. */
  const currentStage = (job: Job): PipelineStage | undefined =>
    job.status === "queued" ? "ingest" : PIPELINE_STAGES.find((s) => !["done", "skipped"].includes(job.stages[s]?.status ?? "pending"));

  /** How many of the job's own bucket's messages wait before its first one; null: none waits. */
  async function aheadInBucket(stream: string, stage: PipelineStage, job: Job, mine: ConsumerInfo): Promise<number | null> {
    if (mine.num_pending === 0) return null;
    let i = 0;
    try {
      const jsm = await getJsm();
      const batch = await jsm.direct.getBatch(stream, {
        seq: mine.delivered.stream_seq + 1,
        next_by_subj: Subjects.work(stage, job.options.class, job.userId),
        batch: SCAN,
      });
      const needle = `"jobId":"${job.id}"`;
      for await (const m of batch) {
        if (new TextDecoder().decode(m.data).includes(needle)) return i;
        i++;
      }
    } catch (err) {
      if (!/not found|no results/i.test(String((err as Error)?.message))) throw err;
    }
    return i >= SCAN ? mine.num_pending : null; // beyond the scan: behind it all, as far as we know
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
   * The transcriber's slots (the most seen busy at once lately), the other (class, bucket) queues
   * with chunks waiting or running, and whether every slot is busy now.
   */
  const peakSlots = () => Math.max(1, ...(acked.get("transcribe") ?? []).map((x) => x.inFlight));
  async function transcribeSlots(job: Job): Promise<{ slots: number; others: OtherQueue[]; saturated: boolean }> {
    const snap = await snapshot(Streams.lane(STAGE_LANES.transcribe));
    const own = fairDurableName("transcribe", job.options.class, userBucket(job.userId));
    const cis = stageConsumers(snap, "transcribe");
    pace.remember(job, own, now());
    const others = cis
      .filter((ci) => ci.name !== own)
      .map((ci) => ({ key: ci.name, backlog: ci.num_pending + ci.num_ack_pending }))
      .filter((q) => q.backlog > 0);
    const slots = peakSlots();
    return { slots, others, saturated: cis.reduce((a, ci) => a + ci.num_ack_pending, 0) >= slots };
  }

  /** Messages the job still sends through each stage from `from` on; null where not yet known. */
  function remaining(job: Job, from: PipelineStage): [PipelineStage, number | null, number][] {
    const stages = PIPELINE_STAGES.slice(PIPELINE_STAGES.indexOf(from));
    return stages.map((s) => {
      if (s !== "transcribe") return [s, 1, 1];
      const c = job.chunks;
      if (!c) return [s, null, 1];
      const left = c.count - c.done.length;
      return [s, left, Math.max(1, Math.min(c.window ?? left, left))];
    });
  }

  return {
    async estimate(job: Job): Promise<JobQueue | undefined> {
      pace.learn(job, peakSlots());
      if (isTerminal(job.status)) return undefined;
      const stage = currentStage(job);
      if (!stage) return undefined;
      const stream = Streams.lane(STAGE_LANES[stage]);
      const snap = await snapshot(stream);
      // The later stages' lanes too, so their time per message is measured as well.
      await Promise.all([...new Set(PIPELINE_STAGES.map((s) => Streams.lane(STAGE_LANES[s])))].filter((s) => s !== stream).map(snapshot));
      const bucket = userBucket(job.userId);
      const mine = snap.byName.get(fairDurableName(stage, job.options.class, bucket));
      const k = mine ? await aheadInBucket(stream, stage, job, mine) : null;
      const pos = k === null ? 0 : position(snap, stage, job.options.class, bucket, k);
      const t = now();
      const r = rate.get(stage);
      const lanes = stage === "transcribe" ? await transcribeSlots(job) : undefined;
      // Only a job none of whose chunks has started waits for a slot.
      const paced = lanes && job.stages.transcribe?.status !== "running" ? pace.startInSec(job, pos, lanes.slots, lanes.saturated, lanes.others, t) : undefined;
      const start = paced !== undefined ? t + paced * 1000 : pos === 0 ? t : r ? t + (pos / r) * 1000 : null;
      let finish: number | null = start;
      for (const [s, n, parallel] of remaining(job, stage)) {
        const lane = s === "transcribe" ? await transcribeSlots(job) : undefined;
        const chunksSec = lane ? pace.remainingSec(job, lane.slots, lane.others, t) : undefined;
        if (finish !== null && chunksSec !== undefined) {
          finish += chunksSec * 1000;
          continue;
        }
        // A stage never caught with work in flight at a snapshot is far shorter than one: 0; the
        // transcriber's time per chunk (the bulk of a job) must have been measured.
        const w = perMessageSec.get(s) ?? (s === "transcribe" ? undefined : 0);
        if (finish === null || n === null || w === undefined) {
          finish = null;
          break;
        }
        finish += Math.ceil(n / parallel) * w * 1000;
      }
      const iso = (x: number | null) => (x === null ? null : new Date(x).toISOString());
      // A stage already at work on the job (chunks running) started when it says.
      const began = job.stages[stage]?.status === "running" ? job.stages[stage]?.startedAt : undefined;
      return { stage, position: pos, estimatedStartAt: began ?? iso(start), estimatedFinishAt: iso(finish) };
    },
  };
}

export type QueueEstimator = ReturnType<typeof createQueueEstimator>;
