import { STAGE_LANES, STAGES, Streams, durableName, type Lane, type Stage } from "@mp4t/contracts";
import type { JetStreamManager } from "@nats-io/jetstream";
import { listConsumers } from "./queue-snapshot.ts";

export type LaneConsumerState = { stage: Stage; consumer: string; paused: boolean; pauseUntil: string | null };

/** The stages a lane carries. */
export const laneStages = (lane: Lane): Stage[] => STAGES.filter((s) => STAGE_LANES[s] === lane);

/** A stage's consumers: the stage-wide durable and the per-class/bucket ones named after it. */
const ofStage = (stage: Stage) => (ci: { name: string }) => ci.name === durableName(stage) || ci.name.startsWith(`${durableName(stage)}-`);

/**
 * The lane stream's metadata key that remembers a pause (an ISO time). The stages' consumers live
 * in the server's memory (topology.ts): created again after a single-node restart, they read it
 * there and start paused, as the ones the restart lost were.
 */
export const LANE_PAUSE_KEY = "mp4t.pause_until";

/** The pause a lane stream's metadata holds, if it has not ended by `now`. */
export function pausedUntil(metadata: Record<string, string> | undefined, now = Date.now()): string | undefined {
  const until = metadata?.[LANE_PAUSE_KEY];
  return until && Date.parse(until) > now ? until : undefined;
}

/**
 * Pauses (until `until`) or resumes every consumer of a lane's stages. A paused consumer hands
 * out nothing; messages keep queueing and flow again on resume. Needs nats-server 2.11+. The
 * pause is written to the lane stream's metadata first (`LANE_PAUSE_KEY`), for consumers created
 * after this call.
 */
export async function setLanePaused(jsm: JetStreamManager, lane: Lane, until: Date | null): Promise<LaneConsumerState[]> {
  const stream = Streams.lane(lane);
  const consumers = await listConsumers(jsm, stream);
  const targets = laneStages(lane).flatMap((stage) => consumers.filter(ofStage(stage)).map((ci) => ({ stage, name: ci.name })));
  if (!targets.length) throw new Error(`consumer not found: lane ${lane} has none yet`);
  const { config } = await jsm.streams.info(stream);
  // The server's own keys (`_nats.*`) are its to set.
  const metadata = Object.fromEntries(Object.entries(config.metadata ?? {}).filter(([k]) => !k.startsWith("_nats.") && k !== LANE_PAUSE_KEY));
  await jsm.streams.update(stream, { metadata: until ? { ...metadata, [LANE_PAUSE_KEY]: until.toISOString() } : metadata });
  return Promise.all(
    targets.map(async ({ stage, name }) => {
      const r = until ? await jsm.consumers.pause(stream, name, until) : await jsm.consumers.resume(stream, name);
      return { stage, consumer: name, paused: r.paused, pauseUntil: r.pause_until ?? null };
    }),
  );
}
