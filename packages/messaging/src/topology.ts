import {
  FAIR_BUCKETS,
  JOB_CLASSES,
  LANES,
  STAGE_LANES,
  STREAM_MAX_CONSUMERS,
  Streams,
  Subjects,
  durableName,
  fairDurableName,
  type JobClass,
  type Lane,
  type Stage,
} from "@mp4t/contracts";
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstreamManager,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from "@nats-io/jetstream";
import { nanos, type NatsConnection } from "@nats-io/transport-node";
import { pausedUntil } from "./lane-pause.ts";

export type TopologyOptions = {
  /** Window in which a repeated Nats-Msg-Id is dropped by the server. */
  duplicateWindowSec?: number;
  eventsMaxAgeSec?: number;
  deadLettersMaxAgeSec?: number;
  /**
   * Copies of each stream (`JETSTREAM_REPLICAS`); durable consumers inherit it. New streams get 1
   * when unset, and existing ones keep theirs, so a tool or test never scales a cluster down.
   */
  replicas?: number;
};

export { STREAM_MAX_CONSUMERS }; // declared in contracts: the store adapters set it too

/** Work-queue limits per lane; critical work is small and frequent, low work is housekeeping. */
const LANE_MAX_MSGS: Record<Lane, number> = { critical: 1_000_000, high: 5_000_000, default: 1_000_000, low: 100_000 };

export function streamConfigs(opts: TopologyOptions = {}): (Partial<StreamConfig> & { name: string })[] {
  const replicas = opts.replicas ?? 1;
  const duplicate_window = nanos((opts.duplicateWindowSec ?? 120) * 1000);
  const lanes = LANES.map((lane) => ({
    name: Streams.lane(lane),
    subjects: [Subjects.lane(lane)],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    max_msgs: LANE_MAX_MSGS[lane],
    // Direct gets let the gateway find a job's place in its queue without a consumer.
    allow_direct: true,
    duplicate_window,
    num_replicas: replicas,
  }));
  return [
    ...lanes,
    {
      name: Streams.events,
      subjects: [Subjects.events],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos((opts.eventsMaxAgeSec ?? 7 * 86_400) * 1000),
      // Batched direct gets replay a user's missed events (GET /v1/events with Last-Event-ID) without a consumer.
      allow_direct: true,
      max_consumers: STREAM_MAX_CONSUMERS,
      duplicate_window,
      num_replicas: replicas,
    },
    {
      name: Streams.deadLetters,
      subjects: [Subjects.deadLetters],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos((opts.deadLettersMaxAgeSec ?? 30 * 86_400) * 1000),
      max_consumers: STREAM_MAX_CONSUMERS,
      duplicate_window,
      num_replicas: replicas,
    },
  ];
}

/**
 * Creates or updates every stream. Safe to run from every replica at every start. An update may
 * change the replica count: the cluster copies the stream to its new peers (or drops the extra
 * ones) and moves its durable consumers along, while it keeps serving.
 */
export async function ensureTopology(jsm: JetStreamManager, opts: TopologyOptions = {}): Promise<void> {
  for (const cfg of streamConfigs(opts)) {
    try {
      await jsm.streams.add(cfg);
    } catch (err) {
      // 10058: the stream exists (another replica, or an earlier start); bring its config up to date.
      if (!(err instanceof JetStreamApiError) || err.code !== STREAM_NAME_IN_USE) throw err;
      const { num_replicas, ...rest } = cfg;
      await jsm.streams.update(cfg.name, opts.replicas === undefined ? rest : { ...rest, num_replicas });
    }
  }
}

const STREAM_NAME_IN_USE = 10058;

export type ConsumerLimits = { ackWaitMs: number; maxAckPending?: number };

async function addOrUpdate(jsm: JetStreamManager, stream: string, config: Partial<ConsumerConfig> & { durable_name: string }) {
  try {
    await jsm.consumers.add(stream, config);
  } catch (err) {
    if (!(err instanceof JetStreamApiError)) throw err;
    await jsm.consumers.update(stream, config.durable_name, {
      ack_wait: config.ack_wait!,
      max_ack_pending: config.max_ack_pending!,
      ...(config.filter_subjects ? { filter_subjects: config.filter_subjects } : {}),
    });
  }
}

const consumerBase = (opts: ConsumerLimits) => ({
  ack_policy: AckPolicy.Explicit,
  deliver_policy: DeliverPolicy.All,
  ack_wait: nanos(opts.ackWaitMs),
  // Retries are counted by the runner, which dead-letters; the server never silently drops.
  max_deliver: -1,
  max_ack_pending: opts.maxAckPending ?? 10_000,
});

/**
 * One stage-wide durable consumer (`<service>-<stage>`), for tools and tests that read a stage's
 * work. Workers use `ensureFairConsumers`; the two cannot coexist on a work-queue stream.
 */
export async function ensureConsumer(jsm: JetStreamManager, stage: Stage, opts: ConsumerLimits) {
  const stream = Streams.lane(STAGE_LANES[stage]);
  const name = durableName(stage);
  await addOrUpdate(jsm, stream, { durable_name: name, filter_subject: Subjects.stageFilter(stage), ...consumerBase(opts) });
  return { stream, name };
}

export type FairConsumer = { cls: JobClass; bucket: number; name: string };

/**
 * The durables a service's replicas share for one stage: one per job class and fairness bucket,
 * each filtered to its own subjects (work-queue streams forbid overlapping consumers). Removes
 * the stage-wide consumer of earlier releases first; its unacked messages simply stay queued.
 *
 * They keep their state in the server's memory (`mem_storage`): on a work-queue stream the stored
 * messages are the truth (an acked one is deleted), so a consumer lost with a single-node
 * server's restart is created again by the workers (lane-watch.ts) and delivers what is still
 * stored, the unacked included; replicated, its peers keep it. A file-backed consumer rewrote its
 * state file up to ten times a second while acks moved: 27 % of nats-server's CPU per job in the
 * overhead bench (docs/architecture.md, "Third pass"). One created file-backed by an earlier
 * release stays so (the server does not change a consumer's storage). A paused lane's pause is
 * read from its stream's metadata (lane-pause.ts) and given to consumers created here.
 */
export async function ensureFairConsumers(jsm: JetStreamManager, stage: Stage, opts: ConsumerLimits): Promise<{ stream: string; consumers: FairConsumer[] }> {
  const stream = Streams.lane(STAGE_LANES[stage]);
  // A lane an admin paused stays paused for consumers made now (after a restart lost them).
  const paused = pausedUntil((await jsm.streams.info(stream)).config.metadata);
  await jsm.consumers.delete(stream, durableName(stage)).catch(() => undefined);
  const consumers = JOB_CLASSES.flatMap((cls) =>
    Array.from({ length: FAIR_BUCKETS }, (_, bucket) => ({ cls, bucket, name: fairDurableName(stage, cls, bucket) })),
  );
  await Promise.all(
    consumers.map((c) =>
      addOrUpdate(jsm, stream, {
        durable_name: c.name,
        filter_subjects: Subjects.fairFilters(stage, c.cls, c.bucket),
        ...consumerBase(opts),
        mem_storage: true,
        ...(paused ? { pause_until: paused } : {}),
      }),
    ),
  );
  return { stream, consumers };
}

/** `ensureTopology` for wiring code that holds the connection, not a JetStream manager. */
export async function ensureTopologyOn(nc: NatsConnection, opts: TopologyOptions = {}): Promise<void> {
  await ensureTopology(await jetstreamManager(nc), opts);
}
