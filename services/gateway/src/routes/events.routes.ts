import { AppError } from "@mp4t/contracts";
import type { JobStore } from "@mp4t/stores";
import type { JobEvents } from "@mp4t/messaging";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { JobEventHub } from "../events/job-event-hub.ts";
import { openJobEventFeed } from "../events/job-event-stream.ts";
import type { StreamSlots } from "../events/stream-slots.ts";
import { bearer, errors, JobParams } from "../schemas/api.schema.ts";
import { EventStream } from "../schemas/content.schema.ts";

export type EventsRoutesOptions = {
  jobs: JobStore;
  /** The gateway's one live subscription to job events, fanned out by job id. */
  hub: JobEventHub;
  events: Pick<JobEvents, "replay">;
  /** Open streams per user on this replica, shared with GET /v1/events. */
  slots: StreamSlots;
  heartbeatMs: number;
};

/** `?access_token=`: a stream token from POST /v1/auth/stream-token, for EventSource (which cannot send headers). */
export const StreamQuery = z.object({
  access_token: z.string().max(2048).optional().describe("A stream token (POST /v1/auth/stream-token) instead of the Authorization header."),
  last_event_id: z.coerce
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe("The id of the last event received, as Last-Event-ID, for a new EventSource (which cannot set that header); the header wins."),
});

/** `Last-Event-ID`: the id of the last event the client received; sent by EventSource when it reconnects. */
export const StreamHeaders = z.looseObject({ "last-event-id": z.coerce.number().int().nonnegative().optional() });

/** Where to resume: the Last-Event-ID header, else `?last_event_id=`, else nowhere. */
export const resumeAfter = (req: { headers: { "last-event-id"?: number | undefined }; query: { last_event_id?: number | undefined } }) =>
  req.headers["last-event-id"] ?? req.query.last_event_id;

/** GET /v1/jobs/:id/events: the job's state changes as server-sent events, replayed then live. */
export const eventsRoutes: FastifyPluginAsyncZod<EventsRoutesOptions> = async (app, opts) => {
  const { slots } = opts;
  app.addHook("onRequest", app.authenticate);
  // Open streams would hold the server open; end them when it closes.
  app.addHook("preClose", async () => slots.closeAll());

  app.get(
    "/:id/events",
    {
      schema: {
        operationId: "streamJobEvents",
        tags: ["jobs"],
        summary: "The job's state changes as text/event-stream",
        description:
          "Each event is `event: <type>` with the JobEvent JSON as data and its stream sequence as id " +
          "(send Last-Event-ID to resume). Comments keep idle streams alive; the stream ends after completed, failed or canceled.",
        security: bearer,
        params: JobParams,
        querystring: StreamQuery,
        headers: StreamHeaders,
        response: { 200: EventStream, ...errors("VALIDATION_FAILED", "UNAUTHORIZED", "NOT_FOUND", "TOO_MANY_STREAMS", "RATE_LIMITED", "SERVICE_UNAVAILABLE") },
      },
    },
    async (req, reply) => {
      const userId = req.user.sub;
      const job = await opts.jobs.getJob({ userId, jobId: req.params.id });
      if (!job) throw new AppError("NOT_FOUND", "no such job");
      await slots.serve(reply, userId, async () => openJobEventFeed({ hub: opts.hub, events: opts.events, logger: req.log }, job, resumeAfter(req)), {
        heartbeatMs: opts.heartbeatMs,
        logger: req.log,
      });
    },
  );
};
