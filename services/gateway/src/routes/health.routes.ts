import type { BlobStore, JobStore } from "@mp4t/stores";
import type { TransportProbe } from "@mp4t/messaging";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { errors } from "../schemas/api.schema.ts";

export type HealthRoutesOptions = { transport: TransportProbe; jobs: JobStore; blobs: BlobStore; timeoutMs?: number };

const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref())]);

/** GET /health (the process is up) and GET /ready (NATS and both stores answer). */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, opts) => {
  const timeoutMs = opts.timeoutMs ?? 2000;

  app.get(
    "/health",
    {
      schema: { operationId: "getHealth", tags: ["ops"], summary: "Liveness", response: { 200: z.object({ status: z.literal("ok") }) } },
    },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/ready",
    {
      schema: {
        operationId: "getReadiness",
        tags: ["ops"],
        summary: "Readiness: NATS connected, job and blob stores answering",
        response: { 200: z.object({ status: z.literal("ready") }), ...errors("SERVICE_UNAVAILABLE") },
      },
    },
    async (_req, reply) => {
      try {
        if (opts.transport.closed()) throw new Error("the NATS connection is closed");
        await within(opts.transport.flush(), timeoutMs, "NATS");
        await within(opts.jobs.getUserByEmail("readiness-probe@mp4t.invalid"), timeoutMs, "the job store");
        await within(opts.blobs.stat("readiness-probe"), timeoutMs, "the blob store");
        return { status: "ready" as const };
      } catch (err) {
        return reply.code(503).send({ error: { code: "SERVICE_UNAVAILABLE" as const, message: `not ready: ${(err as Error).message}` } });
      }
    },
  );
};
