import { durableName, type Stage } from "@mp4t/contracts";
import type { JsMsg } from "@nats-io/jetstream";
import { addLaneSource, stageSeries } from "@mp4t/runtime";
import type { QueueInspector } from "./queue-inspector.ts";
import { markOutcome, traceProcess } from "./trace-context.ts";
import type { WorkerInstrumentation, WorkerOutcome } from "./worker.ts";

/** Reports the backlog of these stages (a worker's own) on every scrape. */
export function observeLanes(queues: Pick<QueueInspector, "stages">, stages: readonly Stage[]): void {
  addLaneSource(() => queues.stages(stages));
}

/** Traces and counts every delivery: a span continued from the message's trace, and the stage series. */
export function workerInstrumentation(): WorkerInstrumentation {
  return {
    async around(m: JsMsg, stage: Stage, run: () => Promise<void>) {
      if (m.info.deliveryCount > 1) stageSeries.redeliveries.inc({ stage });
      stageSeries.inFlight.inc({ stage });
      try {
        await traceProcess(m, stage, durableName(stage), run);
      } finally {
        stageSeries.inFlight.dec({ stage });
      }
    },
    outcome(stage: Stage, outcome: WorkerOutcome, ms: number, m: JsMsg) {
      markOutcome(m, outcome);
      stageSeries.messages.inc({ stage, outcome });
      stageSeries.duration.observe({ stage, outcome }, ms / 1000);
      if (outcome === "retry") stageSeries.retries.inc({ stage });
      if (outcome === "dead_letter") stageSeries.deadLetters.inc({ stage });
    },
  };
}
