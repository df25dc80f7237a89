import { JOB_CLASSES, LANES } from "@mp4t/contracts";
import { AppError } from "@mp4t/contracts";
import type { QueueInspector } from "@mp4t/messaging";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { sessionOnly, errors } from "../schemas/api.schema.ts";

export type LanesRoutesOptions = { queues: Pick<QueueInspector, "lanes"> };

const LaneView = z.object({
  lane: z.enum(LANES),
  class: z.enum(JOB_CLASSES),
  pending: z.number().int().describe("Waiting, not yet delivered to any replica."),
  inFlight: z.number().int().describe("Delivered and not yet acknowledged (working, or waiting out a retry backoff)."),
  redelivered: z.number().int().describe("Of those in flight, delivered more than once."),
  oldestWaitingSec: z.number().nullable().describe("Age of the oldest waiting message; null when nothing waits."),
});

/** GET /v1/admin/lanes: admins only. Backlog per lane and job class, across every fairness bucket. */
export const lanesRoutes: FastifyPluginAsyncZod<LanesRoutesOptions> = async (app, opts) => {
  app.addHook("onRequest", app.authenticate);
  app.addHook("onRequest", app.requireAdmin);

  app.get(
    "/lanes",
    {
      schema: {
        operationId: "listLanes",
        tags: ["admin"],
        summary: "Per lane and class: pending, in flight, redelivered and the oldest wait",
        security: sessionOnly,
        response: { 200: z.object({ lanes: z.array(LaneView) }), ...errors("UNAUTHORIZED", "FORBIDDEN", "SERVICE_UNAVAILABLE") },
      },
    },
    async () => {
      try {
        return { lanes: await opts.queues.lanes() };
      } catch (err) {
        throw err instanceof AppError ? err : new AppError("SERVICE_UNAVAILABLE", undefined, { cause: err });
      }
    },
  );
};
