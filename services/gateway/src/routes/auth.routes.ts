import { AppError, newId } from "@mp4t/platform";
import type { JobStore } from "@mp4t/stores";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { decoyHash, hashPassword, verifyPassword } from "../auth/password.ts";
import { Credentials, errors } from "../schemas/api.schema.ts";

/** POST /v1/auth/register and /v1/auth/login. */
export const authRoutes: FastifyPluginAsyncZod<{ jobs: JobStore }> = async (app, { jobs }) => {
  app.post("/register", {
    schema: {
      tags: ["auth"],
      summary: "Create an account",
      body: Credentials,
      response: { 201: z.object({ id: z.string(), email: z.string() }), ...errors(400, 409, 415, 503) },
    },
  }, async (req, reply) => {
    const { email, password } = req.body;
    const user = { id: newId(), email, passwordHash: await hashPassword(password), role: "user" as const, createdAt: new Date().toISOString() };
    await jobs.createUser(user); // EMAIL_TAKEN -> 409
    return reply.code(201).send({ id: user.id, email: user.email });
  });

  app.post("/login", {
    schema: {
      tags: ["auth"],
      summary: "Exchange email and password for a bearer token",
      body: Credentials.extend({ password: z.string().min(1).max(1024) }),
      response: { 200: z.object({ token: z.string(), expiresAt: z.iso.datetime() }), ...errors(400, 401, 415, 503) },
    },
  }, async (req) => {
    const { email, password } = req.body;
    const user = await jobs.getUserByEmail(email);
    // Unknown email or wrong password: the same answer, after the same amount of work.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
    if (!user || !ok) throw new AppError("INVALID_CREDENTIALS");
    return app.issueToken(user);
  });
};
