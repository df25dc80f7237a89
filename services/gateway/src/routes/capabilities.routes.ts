import { Capabilities } from "@mp4t/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { CapabilitiesSource } from "../capabilities/capabilities-source.ts";
import { bearer, errors } from "../schemas/api.schema.ts";

/** GET /v1/capabilities: what this deployment's running workers can do, for any signed-in caller. */
export const capabilitiesRoutes: FastifyPluginAsyncZod<{ source: CapabilitiesSource }> = async (app, { source }) => {
  app.addHook("onRequest", app.authenticate);
  app.get(
    "/capabilities",
    {
      schema: {
        operationId: "getCapabilities",
        tags: ["capabilities"],
        summary: "What this deployment supports: engines and their languages, diarization, enhancements, formats, limits",
        description:
          "Joined from the live workers' own configuration (each registers what it can do in NATS service discovery), " +
          "cached for a few seconds. A service with no running replica shows nothing available. Uploads asking for anything " +
          "not listed here are refused with 400 OPTION_UNSUPPORTED.",
        security: bearer,
        response: { 200: Capabilities, ...errors("UNAUTHORIZED", "SERVICE_UNAVAILABLE") },
      },
    },
    async () => (await source.current()).document,
  );
};
