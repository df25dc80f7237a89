import { AppError } from "@mp4t/contracts";
import type { JobStore } from "@mp4t/stores";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { sessionOnly, Email, errors } from "../schemas/api.schema.ts";

const UserParams = z.object({ email: Email.describe("The account's email (URL-encoded).") });
const UserView = z.object({ id: z.string(), email: z.string(), role: z.enum(["user", "admin"]), disabled: z.boolean(), sessions: z.number().int() });

/**
 * PATCH and DELETE /v1/admin/users/:email: admins only. A role change, disabling or deletion
 * reaches the account's tokens within AUTH_CACHE_MS; disabling also ends its sessions. An admin
 * cannot change or delete their own account here (no locking oneself out by mistake). Each call
 * is audited by the audit plugin.
 */
export const usersRoutes: FastifyPluginAsyncZod<{ jobs: JobStore }> = async (app, { jobs }) => {
  app.addHook("onRequest", app.authenticate);
  app.addHook("onRequest", app.requireAdmin);

  const notSelf = (admin: string, email: string) => {
    if (admin === email) throw new AppError("VALIDATION_FAILED", "use another admin account to change or delete your own");
  };

  app.patch(
    "/users/:email",
    {
      schema: {
        operationId: "updateUser",
        tags: ["admin"],
        summary: "Change an account's role, or disable / enable it",
        security: sessionOnly,
        params: UserParams,
        body: z.object({ role: z.enum(["user", "admin"]).optional(), disabled: z.boolean().optional() }).strict(),
        response: {
          200: UserView,
          ...errors("VALIDATION_FAILED", "INVALID_JSON", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "UNSUPPORTED_CONTENT_TYPE", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req) => {
      notSelf(req.user.email, req.params.email);
      const { role, disabled } = req.body;
      const user = await jobs.updateUser(req.params.email, (u) => ({
        ...u,
        ...(role ? { role } : {}),
        ...(disabled === undefined ? {} : { disabled, ...(disabled ? { sessions: [] } : {}) }),
      }));
      if (!user) throw new AppError("NOT_FOUND", "no such account");
      app.users.forget(user.email);
      return { id: user.id, email: user.email, role: user.role, disabled: user.disabled === true, sessions: user.sessions?.length ?? 0 };
    },
  );

  app.delete(
    "/users/:email",
    {
      schema: {
        operationId: "deleteUser",
        tags: ["admin"],
        summary: "Delete an account (its jobs stay until retention or the janitor removes them)",
        security: sessionOnly,
        params: UserParams,
        response: {
          204: z.null(),
          ...errors("VALIDATION_FAILED", "INVALID_JSON", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "SERVICE_UNAVAILABLE", "UNSUPPORTED_CONTENT_TYPE"),
        },
      },
    },
    async (req, reply) => {
      notSelf(req.user.email, req.params.email);
      if (!(await jobs.deleteUser(req.params.email))) throw new AppError("NOT_FOUND", "no such account");
      app.users.forget(req.params.email);
      return reply.code(204).send(null);
    },
  );
};
