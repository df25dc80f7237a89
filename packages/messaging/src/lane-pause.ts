import { STAGE_LANES, STAGES, Streams, durableName, type Lane, type Stage } from "@mp4t/contracts";
import type { JetStreamManager } from "@nats-io/jetstream";
import { listConsumers } from "./queue-snapshot.ts";

export type LaneConsumerState = { stage: Stage; consumer: string; paused: boolean; pauseUntil: string | null };

/** The stages a lane carries. */
export const laneStages = (lane: Lane): Stage[] => STAGES.filter((s) => STAGE_LANES[s] === lane);

/** A stage's consumers: the stage-wide durable and the per-class/bucket ones named after it. */
const ofStage = (stage: Stage) => (ci: { name: string }) => ci.name === durableName(stage) || ci.name.startsWith(`${durableName(stage)}-`);

/**
 * Pauses (until `until`) or resumes every consumer of a lane's stages. A paused consumer hands
 * out nothing; messages keep queueing and flow again on resume. Needs nats-server 2.11+.
 */
export async function setLanePaused(jsm: JetStreamManager, lane: Lane, until: Date | null): Promise<LaneConsumerState[]> {
  const stream = Streams.lane(lane);
  const consumers = await listConsumers(jsm, stream);
  const targets = laneStages(lane).flatMap((stage) => consumers.filter(ofStage(stage)).map((ci) => ({ stage, name: ci.name })));
  if (!targets.length) throw new Error(`consumer not found: lane ${lane} has none yet`);
  return Promise.all(
    targets.map(async ({ stage, name }) => {
      const r = until ? await jsm.consumers.pause(stream, name, until) : await jsm.consumers.resume(stream, name);
      return { stage, consumer: name, paused: r.paused, pauseUntil: r.pause_until ?? null };
    }),
  );
}
