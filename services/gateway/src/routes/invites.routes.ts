import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { audit } from "../audit/audit.ts";
import { sessionOnly, Email, errors } from "../schemas/api.schema.ts";

export type InvitesRoutesOptions = {
  ttlSec: number;
  makeInvite(email: string, expiresAt: Date): string;
};

/**
 * POST /v1/admin/invites: admins only. An invite is bound to one email and signed (no store
 * needed); it is single-use in effect, since the email is taken once registered.
 */
export const invitesRoutes: FastifyPluginAsyncZod<InvitesRoutesOptions> = async (app, opts) => {
  app.addHook("onRequest", app.authenticate);
  app.addHook("onRequest", app.requireAdmin);
  app.post(
    "/invites",
    {
      schema: {
        operationId: "createInvite",
        tags: ["admin"],
        summary: "Make an invite code for one email (for REGISTRATION=invite)",
        security: sessionOnly,
        body: z.object({ email: Email }).strict(),
        response: {
          201: z.object({ email: z.string(), inviteCode: z.string(), expiresAt: z.iso.datetime() }),
          ...errors("VALIDATION_FAILED", "INVALID_JSON", "UNAUTHORIZED", "FORBIDDEN", "UNSUPPORTED_CONTENT_TYPE", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req, reply) => {
      const expiresAt = new Date(Date.now() + opts.ttlSec * 1000);
      const inviteCode = opts.makeInvite(req.body.email, expiresAt);
      audit(req, { action: "invite-create", result: "ok", target: req.body.email });
      return reply.code(201).send({ email: req.body.email, inviteCode, expiresAt: expiresAt.toISOString() });
    },
  );
};
