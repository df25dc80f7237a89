import type { Discovery } from "@mp4t/messaging";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { sessionOnly, errors } from "../schemas/api.schema.ts";

const Instance = z.object({
  name: z.string().describe("Service name, e.g. ingest."),
  id: z.string(),
  lane: z.string().nullable().describe("The first lane the instance consumes; null for the gateway."),
  lanes: z.array(z.string()),
  host: z.string().nullable(),
  pid: z.number().int().nullable(),
  version: z.string(),
  started: z.string().nullable(),
  stats: z.record(z.string(), z.unknown()).nullable(),
});

/** GET /v1/admin/services: admins only. */
export const adminRoutes: FastifyPluginAsyncZod<{ discovery: Pick<Discovery, "list"> }> = async (app, { discovery }) => {
  app.addHook("onRequest", app.authenticate);
  app.addHook("onRequest", app.requireAdmin);

  app.get(
    "/services",
    {
      schema: {
        operationId: "listServices",
        tags: ["admin"],
        summary: "Every live service instance, from NATS service discovery",
        security: sessionOnly,
        response: { 200: z.array(Instance), ...errors("UNAUTHORIZED", "FORBIDDEN", "SERVICE_UNAVAILABLE") },
      },
    },
    async () => discovery.list(),
  );
};
