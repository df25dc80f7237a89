import { STAGE_LANES, STAGES, Streams, Subjects, type Lane, type Stage } from "@mp4t/contracts";
import type { JetStreamManager } from "@nats-io/jetstream";
import { setLanePaused, type LaneConsumerState } from "./lane-pause.ts";
import { readQueues, type QueueSnapshot } from "./queue-snapshot.ts";
import { laneView, stageView, type LaneView, type StageBacklog } from "./queue-views.ts";

/**
 * What waits where: one snapshot per stage x class x bucket, and the views every reader uses
 * (admin lanes, health and metrics queues, the lane gauges, the janitor's reaper) projected
 * from it, so "pending" and "oldest waiting" mean one thing everywhere.
 */
export type QueueInspector = {
  snapshot(stages?: readonly Stage[]): Promise<QueueSnapshot>;
  /** Per stage (health, metrics, gauges). */
  stages(stages?: readonly Stage[]): Promise<StageBacklog[]>;
  /** Per lane and class (GET /v1/admin/lanes). */
  lanes(): Promise<LaneView[]>;
  /**
   * Messages stored (waiting or in flight) on one stage's work subjects: the snapshot's `stored`,
   * read from the stream alone (one STREAM.INFO), so a reader with no right to list consumers or
   * read messages (the janitor's reaper) can ask it.
   */
  stored(stage: Stage): Promise<number>;
  /** Pauses (until `until`) or resumes every consumer of a lane's stages; needs nats-server 2.11+. */
  setLanePaused(lane: Lane, until: Date | null): Promise<LaneConsumerState[]>;
};

export function createQueueInspector(jsm: () => Promise<JetStreamManager>): QueueInspector {
  const snapshot = async (stages: readonly Stage[] = STAGES) => readQueues(await jsm(), stages);
  return {
    snapshot,
    stages: async (stages = STAGES) => stageView(await snapshot(stages), stages),
    lanes: async () => laneView(await snapshot()),
    stored: async (stage) => {
      const info = await (await jsm()).streams.info(Streams.lane(STAGE_LANES[stage]), { subjects_filter: Subjects.stageFilter(stage) });
      return Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
    },
    setLanePaused: async (lane, until) => setLanePaused(await jsm(), lane, until),
  };
}
