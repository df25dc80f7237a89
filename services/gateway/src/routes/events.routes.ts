import { AppError } from "@mp4t/runtime";
import type { JobStore } from "@mp4t/stores";
import type { JobEvents } from "@mp4t/messaging";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { JobEventHub } from "../events/job-event-hub.ts";
import { openJobEventFeed, type JobEventFeed } from "../events/job-event-stream.ts";
import { bearer, errors, JobParams } from "../schemas/api.schema.ts";

export type EventsRoutesOptions = {
  jobs: JobStore;
  /** The gateway's one live subscription to job events, fanned out by job id. */
  hub: JobEventHub;
  events: Pick<JobEvents, "replay">;
  /** Streams one user may have open at once on this replica. */
  maxPerUser: number;
  heartbeatMs: number;
  /** Counts open streams for the instance's stats. */
  onOpen?: (open: number) => void;
};

/** GET /v1/jobs/:id/events: the job's state changes as server-sent events, replayed then live. */
export const eventsRoutes: FastifyPluginAsyncZod<EventsRoutesOptions> = async (app, opts) => {
  const open = new Set<JobEventFeed>();
  const perUser = new Map<string, number>();
  const release = (userId: string) => {
    const n = (perUser.get(userId) ?? 1) - 1;
    if (n > 0) perUser.set(userId, n);
    else perUser.delete(userId);
  };
  app.addHook("onRequest", app.authenticate);
  // Open streams would hold the server open; end them when it closes.
  app.addHook("preClose", async () => {
    for (const feed of open) feed.close();
  });

  app.get("/:id/events", {
    schema: {
      tags: ["jobs"],
      summary: "The job's state changes as text/event-stream",
      description: "Each event is `event: <type>` with the JobEvent JSON as data and its stream sequence as id " +
        "(send Last-Event-ID to resume). Comments keep idle streams alive; the stream ends after completed, failed or canceled.",
      security: bearer,
      params: JobParams,
      headers: z.looseObject({ "last-event-id": z.coerce.number().int().nonnegative().optional() }),
      produces: ["text/event-stream"],
      response: errors(400, 401, 404, 429, 503),
    },
  }, async (req, reply) => {
    const userId = req.user.sub;
    const job = await opts.jobs.getJob({ userId, jobId: req.params.id });
    if (!job) throw new AppError("NOT_FOUND", "no such job");
    if ((perUser.get(userId) ?? 0) >= opts.maxPerUser) {
      throw new AppError("TOO_MANY_STREAMS", `you have ${opts.maxPerUser} event streams open; close one first`);
    }
    perUser.set(userId, (perUser.get(userId) ?? 0) + 1);
    let feed: JobEventFeed;
    try {
      feed = await openJobEventFeed({ hub: opts.hub, events: opts.events, logger: req.log }, job, req.headers["last-event-id"]);
    } catch (err) {
      release(userId);
      throw new AppError("SERVICE_UNAVAILABLE", "the event stream is unavailable; retry later", { cause: err });
    }
    reply.hijack();
    reply.raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>), // helmet's headers: hijacking skips Fastify's send
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    reply.raw.write(": connected\n\n");
    open.add(feed);
    opts.onOpen?.(open.size);
    try {
      await feed.pipe(reply.raw, { heartbeatMs: opts.heartbeatMs, logger: req.log });
    } finally {
      release(userId);
      open.delete(feed);
      opts.onOpen?.(open.size);
    }
  });
};
