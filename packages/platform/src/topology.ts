import { LANES, Streams, Subjects, type Lane } from "@mp4t/contracts";
import {
  DiscardPolicy, JetStreamApiError, RetentionPolicy, StorageType,
  type JetStreamManager, type StreamConfig,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";

export type TopologyOptions = {
  /** Window in which a repeated Nats-Msg-Id is dropped by the server. */
  duplicateWindowSec?: number;
  eventsMaxAgeSec?: number;
  deadLettersMaxAgeSec?: number;
  replicas?: number;
};

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
      duplicate_window,
      num_replicas: replicas,
    },
    {
      name: Streams.deadLetters,
      subjects: [Subjects.deadLetters],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos((opts.deadLettersMaxAgeSec ?? 30 * 86_400) * 1000),
      duplicate_window,
      num_replicas: replicas,
    },
  ];
}

/** Creates or updates every stream. Safe to run from every replica at every start. */
export async function ensureTopology(jsm: JetStreamManager, opts: TopologyOptions = {}): Promise<void> {
  for (const cfg of streamConfigs(opts)) {
    try {
      await jsm.streams.add(cfg);
    } catch (err) {
      // 10058: the stream exists (another replica, or an earlier start); bring its config up to date.
      if (!(err instanceof JetStreamApiError) || err.code !== STREAM_NAME_IN_USE) throw err;
      await jsm.streams.update(cfg.name, cfg);
    }
  }
}

const STREAM_NAME_IN_USE = 10058;
