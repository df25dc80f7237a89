import type { JobEvents } from "@mp4t/messaging";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { JobEventHub } from "../events/job-event-hub.ts";
import type { StreamSlots } from "../events/stream-slots.ts";
import { openUserEventFeed } from "../events/user-event-feed.ts";
import { bearer, errors } from "../schemas/api.schema.ts";
import { UserEventStream } from "../schemas/content.schema.ts";
import { resumeAfter, StreamHeaders, StreamQuery } from "./events.routes.ts";

/** GET /v1/events: every event of the caller's jobs, live (resumable), for job lists (same format as a job's stream). */
export const userEventsRoutes: FastifyPluginAsyncZod<{
  hub: JobEventHub;
  events: Pick<JobEvents, "replayUser">;
  slots: StreamSlots;
  heartbeatMs: number;
}> = async (app, opts) => {
  app.addHook("onRequest", app.authenticate);
  app.addHook("preClose", async () => opts.slots.closeAll());

  app.get(
    "/events",
    {
      schema: {
        operationId: "streamAllJobEvents",
        tags: ["jobs"],
        security: bearer,
        summary: "Every event of your jobs as text/event-stream, live and resumable, for live job lists",
        description:
          "Each event is `event: <type>` with the JobEvent JSON (its `jobId` says which job) as data and its stream sequence as id. " +
          "Without Last-Event-ID (or `?last_event_id=`) it starts with new events; with it, the events of your jobs stored after that id " +
          "come first, once each and in order, then live ones. When some can no longer be replayed (past the events' retention, or too many " +
          "to scan), the stream starts with `event: resync`: reload your job list. " +
          "Comments keep the stream alive; it does not end by itself. Counts against the same per-user stream limit as a job's stream.",
        querystring: StreamQuery,
        headers: StreamHeaders,
        response: {
          200: UserEventStream,
          ...errors("VALIDATION_FAILED", "UNAUTHORIZED", "INSUFFICIENT_SCOPE", "TOO_MANY_STREAMS", "RATE_LIMITED", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req, reply) => {
      await opts.slots.serve(reply, req.user.sub, () => openUserEventFeed(opts, req.user.sub, resumeAfter(req)), {
        heartbeatMs: opts.heartbeatMs,
        logger: req.log,
      });
    },
  );
};
