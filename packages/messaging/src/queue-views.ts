import { JOB_CLASSES, LANES, STAGE_LANES, STAGES, Streams, durableName, type JobClass, type Lane, type Stage } from "@mp4t/contracts";
import type { QueueCell, QueueSnapshot } from "./queue-snapshot.ts";

/** One stage's backlog (GET /v1/admin/health and /metrics, the lane gauges). */
export type StageBacklog = {
  lane: Lane;
  stage: Stage;
  stream: string;
  consumer: string;
  /** Messages of the stage in the work-queue stream (waiting or being worked on), by job class. */
  byClass: Record<JobClass, number>;
  /** Not yet delivered to any replica. */
  pending: number;
  /** Delivered and not yet acknowledged: being worked on (or about to be redelivered). */
  ackPending: number;
  redelivered: number;
  /** Pull requests waiting: idle worker loops. */
  waitingPulls: number;
  paused: boolean;
  pauseUntil: string | null;
  /** Age of the oldest waiting message of the stage (not yet delivered); null when none waits. */
  oldestAgeSec: number | null;
  /** False when the durable consumer does not exist yet (its service never started). */
  consumerExists: boolean;
};

/** One lane and class across every stage's fair consumers (GET /v1/admin/lanes). */
export type LaneView = {
  lane: Lane;
  class: JobClass;
  /** Waiting, not yet delivered to any replica. */
  pending: number;
  /** Delivered and not yet acknowledged: being worked on, or waiting out a retry backoff. */
  inFlight: number;
  /** Of those in flight, delivered more than once. */
  redelivered: number;
  /** Age of the oldest waiting message; null when nothing waits. */
  oldestWaitingSec: number | null;
};

/** Age in seconds of the oldest of `times` at `now`; null when there is none. */
export const ageSec = (now: number, times: (number | null)[]): number | null => {
  const found = times.filter((t): t is number => t !== null);
  return found.length ? Math.max(0, (now - Math.min(...found)) / 1000) : null;
};

const sum = (cells: QueueCell[], f: (c: QueueCell) => number) => cells.reduce((a, c) => a + f(c), 0);

export function stageView(snap: QueueSnapshot, stages: readonly Stage[] = STAGES): StageBacklog[] {
  return stages.map((stage) => {
    const cells = snap.cells.filter((c) => c.stage === stage);
    const mine = cells.filter((c) => c.consumer !== null);
    const byClass = Object.fromEntries(
      JOB_CLASSES.map((cls) => [
        cls,
        sum(
          cells.filter((c) => c.cls === cls),
          (c) => c.stored,
        ),
      ]),
    ) as Record<JobClass, number>;
    const paused = mine.find((c) => c.consumer!.paused);
    return {
      lane: STAGE_LANES[stage],
      stage,
      stream: Streams.lane(STAGE_LANES[stage]),
      consumer: mine.length === 1 ? mine[0]!.consumer!.name : `${durableName(stage)}${mine.length > 1 ? `-* (${mine.length})` : ""}`,
      byClass,
      pending: mine.length ? sum(mine, (c) => c.consumer!.pending) : Object.values(byClass).reduce((a, b) => a + b, 0),
      ackPending: sum(mine, (c) => c.consumer!.ackPending),
      redelivered: sum(mine, (c) => c.consumer!.redelivered),
      waitingPulls: sum(mine, (c) => c.consumer!.waitingPulls),
      paused: paused !== undefined,
      pauseUntil: paused?.consumer?.pauseUntil ?? null,
      oldestAgeSec: ageSec(
        snap.at,
        cells.map((c) => c.oldestWaitingAt),
      ),
      consumerExists: mine.length > 0,
    };
  });
}

/** Per lane and class; a stage whose service never started counts everything it stores as waiting. */
export function laneView(snap: QueueSnapshot): LaneView[] {
  return LANES.flatMap((lane) =>
    JOB_CLASSES.map((cls) => {
      const cells = snap.cells.filter((c) => c.lane === lane && c.cls === cls);
      return {
        lane,
        class: cls,
        pending: sum(cells, (c) => (c.consumer ? c.consumer.pending : c.stored)),
        inFlight: sum(cells, (c) => c.consumer?.ackPending ?? 0),
        redelivered: sum(cells, (c) => c.consumer?.redelivered ?? 0),
        oldestWaitingSec: ageSec(
          snap.at,
          cells.map((c) => c.oldestWaitingAt),
        ),
      };
    }),
  );
}
