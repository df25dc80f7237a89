import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { JobEventHub } from "../events/job-event-hub.ts";
import type { StreamSlots } from "../events/stream-slots.ts";
import { openUserEventFeed } from "../events/user-event-feed.ts";
import { bearer, errors } from "../schemas/api.schema.ts";
import { EventStream } from "../schemas/content.schema.ts";
import { StreamQuery } from "./events.routes.ts";

/** GET /v1/events: every event of the caller's jobs, live, for job lists (same format as a job's stream). */
export const userEventsRoutes: FastifyPluginAsyncZod<{ hub: JobEventHub; slots: StreamSlots; heartbeatMs: number }> = async (app, opts) => {
  app.addHook("onRequest", app.authenticate);
  app.addHook("preClose", async () => opts.slots.closeAll());

  app.get(
    "/events",
    {
      schema: {
        operationId: "streamAllJobEvents",
        tags: ["jobs"],
        security: bearer,
        summary: "Every event of your jobs as text/event-stream, live (no replay), for live job lists",
        description:
          "Each event is `event: <type>` with the JobEvent JSON (its `jobId` says which job) as data. " +
          "Comments keep the stream alive; it does not end by itself. Counts against the same per-user stream limit as a job's stream.",
        querystring: StreamQuery,
        response: {
          200: EventStream,
          ...errors("VALIDATION_FAILED", "UNAUTHORIZED", "INSUFFICIENT_SCOPE", "TOO_MANY_STREAMS", "RATE_LIMITED", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req, reply) => {
      await opts.slots.serve(reply, req.user.sub, () => openUserEventFeed(opts.hub, req.user.sub), { heartbeatMs: opts.heartbeatMs, logger: req.log });
    },
  );
};
