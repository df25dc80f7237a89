import { AppError } from "@mp4t/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { bearer, errors } from "../schemas/api.schema.ts";

const Me = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(["user", "admin"]),
  createdAt: z.iso.datetime(),
  sessions: z.number().int().describe("Live sessions (logged-in devices) of the account."),
});

/** GET /v1/me: the account the token belongs to, as the store has it now. */
export const meRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook("onRequest", app.authenticate);
  app.get(
    "/me",
    {
      schema: {
        operationId: "getMe",
        tags: ["auth"],
        summary: "Your account",
        security: bearer,
        response: { 200: Me, ...errors("UNAUTHORIZED", "SERVICE_UNAVAILABLE") },
      },
    },
    async (req) => {
      const user = await app.users.get(req.user.email);
      if (!user) throw new AppError("UNAUTHORIZED", "the account no longer exists");
      const now = Date.now();
      return {
        id: user.id,
        email: user.email,
        role: user.role,
        createdAt: user.createdAt,
        sessions: (user.sessions ?? []).filter((s) => Date.parse(s.expiresAt) > now).length,
      };
    },
  );
};
