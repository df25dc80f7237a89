import { AppError, newId } from "@mp4t/contracts";
import type { JobStore } from "@mp4t/stores";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { audit } from "../audit/audit.ts";
import { assertStrongPassword } from "../auth/password-policy.ts";
import type { PasswordHasher } from "../auth/password.ts";
import { sessionOnly, Email, errors } from "../schemas/api.schema.ts";

export type AuthRoutesOptions = {
  jobs: JobStore;
  passwords: PasswordHasher;
  registration: "open" | "invite" | "closed";
  /** The email an invite code was made for, or null for a code that is not valid (now). */
  readInvite(code: string): string | null;
};

const Password = z.string().min(1).max(1024);
/** New passwords: the length is in the schema (and so the OpenAPI document); the rest is checked in code (WEAK_PASSWORD). */
const NewPassword = z.string().min(12).max(1024);
const Tokens = z.object({
  token: z.string().describe("The access token (a JWT); send it as `Authorization: Bearer`."),
  expiresAt: z.iso.datetime(),
  refreshToken: z.string().describe("Exchange it at POST /v1/auth/refresh for new tokens; it works once."),
  refreshExpiresAt: z.iso.datetime(),
});
const Registered = z
  .object({ id: z.string(), email: z.string() })
  .describe("The same answer whether or not the email was free (an id for a taken email belongs to no account): log in to find out.");

/** POST /v1/auth/register, login, refresh, logout and password. */
export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, opts) => {
  const { jobs, passwords } = opts;

  app.get(
    "/registration",
    {
      schema: {
        operationId: "getRegistrationMode",
        tags: ["auth"],
        summary: "How accounts are made here: open, invite (with an invite code) or closed (the web app's sign-up page follows it)",
        response: { 200: z.object({ mode: z.enum(["open", "invite", "closed"]) }) },
      },
    },
    async () => ({ mode: opts.registration }),
  );

  app.post(
    "/register",
    {
      onRequest: app.limitAuthAddress,
      schema: {
        operationId: "registerAccount",
        tags: ["auth"],
        summary: "Create an account",
        description:
          "REGISTRATION=open: anyone; invite: with an `inviteCode` made for this email; closed: nobody (403). " +
          "The password needs 12+ characters and must not be a common one (400 WEAK_PASSWORD).",
        body: z.object({ email: Email, password: NewPassword, inviteCode: z.string().max(2048).optional() }).strict(),
        response: {
          201: Registered,
          ...errors(
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "WEAK_PASSWORD",
            "UNSUPPORTED_CONTENT_TYPE",
            "REGISTRATION_CLOSED",
            "RATE_LIMITED",
            "SERVICE_UNAVAILABLE",
          ),
        },
      },
    },
    async (req, reply) => {
      const { email, password, inviteCode } = req.body;
      await app.limitAccount(req, email);
      if (opts.registration === "closed") throw new AppError("REGISTRATION_CLOSED", "registration is closed; ask an admin");
      if (opts.registration === "invite" && (!inviteCode || opts.readInvite(inviteCode) !== email)) {
        audit(req, { action: "register", result: "denied", target: email, reason: "INVITE_INVALID" });
        throw new AppError("REGISTRATION_CLOSED", "registration needs a valid invite code made for this email");
      }
      assertStrongPassword(password);
      const user = { id: newId(), email, passwordHash: await passwords.hash(password), role: "user" as const, createdAt: new Date().toISOString() };
      try {
        await jobs.createUser(user);
        audit(req, { action: "register", result: "ok", userId: user.id, target: email });
      } catch (err) {
        if (!(err instanceof AppError && err.code === "EMAIL_TAKEN")) throw err;
        // Same status, shape and work as a new account: the answer never tells which emails exist.
        audit(req, { action: "register", result: "fail", target: email, reason: "EMAIL_TAKEN" });
      }
      return reply.code(201).send({ id: user.id, email });
    },
  );

  app.post(
    "/login",
    {
      onRequest: app.limitAuthAddress,
      schema: {
        operationId: "login",
        tags: ["auth"],
        summary: "Exchange email and password for an access token and a refresh token",
        body: z.object({ email: Email, password: Password }).strict(),
        response: {
          200: Tokens,
          ...errors("VALIDATION_FAILED", "INVALID_JSON", "INVALID_CREDENTIALS", "UNSUPPORTED_CONTENT_TYPE", "RATE_LIMITED", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req) => {
      const { email, password } = req.body;
      await app.limitAccount(req, email);
      const user = await jobs.getUserByEmail(email);
      // Unknown email or wrong password: the same answer, after the same amount of work.
      const ok = await passwords.verify(password, user?.passwordHash ?? (await passwords.decoy()));
      if (!user || !ok || user.disabled) {
        audit(req, { action: "login", result: "fail", userId: user?.id, target: email, reason: user?.disabled ? "DISABLED" : "INVALID_CREDENTIALS" });
        throw new AppError("INVALID_CREDENTIALS");
      }
      // A hash made with older, weaker parameters is replaced now that we know the password.
      const rehash = passwords.needsRehash(user.passwordHash) ? { passwordHash: await passwords.hash(password) } : {};
      const started = await app.sessions.start(email, rehash);
      if (!started) throw new AppError("INVALID_CREDENTIALS");
      audit(req, { action: "login", result: "ok", userId: user.id, target: email });
      return app.issueTokens(started.user, started.session);
    },
  );

  app.post(
    "/refresh",
    {
      onRequest: app.limitAuthAddress,
      schema: {
        operationId: "refreshSession",
        tags: ["auth"],
        summary: "Rotate a refresh token: new access and refresh tokens; the old refresh token stops working",
        description: "Presenting an already rotated refresh token again ends that session everywhere (reuse detection).",
        body: z.object({ refreshToken: z.string().min(1).max(2048) }).strict(),
        response: {
          200: Tokens,
          ...errors("VALIDATION_FAILED", "INVALID_JSON", "UNAUTHORIZED", "UNSUPPORTED_CONTENT_TYPE", "RATE_LIMITED", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req) => {
      const claims = app.readRefreshToken(req.body.refreshToken);
      if (!claims) throw new AppError("UNAUTHORIZED", "not a valid refresh token");
      const r = await app.sessions.rotate(claims);
      app.users.forget(claims.e);
      if (!r.ok) {
        audit(req, { action: "refresh", result: r.reason === "reused" ? "denied" : "fail", userId: claims.u, target: `session:${claims.s}`, reason: r.reason });
        throw new AppError("UNAUTHORIZED", r.reason === "reused" ? "this refresh token was used already; the session has ended" : "the session has ended");
      }
      audit(req, { action: "refresh", result: "ok", userId: r.user.id, target: `session:${claims.s}` });
      return app.issueTokens(r.user, r.session);
    },
  );

  app.post(
    "/logout",
    {
      onRequest: app.authenticate,
      schema: {
        operationId: "logout",
        tags: ["auth"],
        summary: "End this session (or, with {all: true}, every session of the account)",
        security: sessionOnly,
        body: z.object({ all: z.boolean().optional() }).strict().nullish(),
        response: { 204: z.null(), ...errors("VALIDATION_FAILED", "INVALID_JSON", "UNAUTHORIZED", "UNSUPPORTED_CONTENT_TYPE", "SERVICE_UNAVAILABLE") },
      },
    },
    async (req, reply) => {
      const all = req.body?.all === true;
      await app.sessions.end(req.user.email, all ? "all" : req.user.sid);
      app.users.forget(req.user.email);
      audit(req, { action: all ? "logout-all" : "logout", result: "ok", target: all ? "sessions:all" : `session:${req.user.sid}` });
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/password",
    {
      onRequest: app.authenticate,
      schema: {
        operationId: "changePassword",
        tags: ["auth"],
        summary: "Change your password; every other session of the account ends",
        security: sessionOnly,
        body: z.object({ currentPassword: Password, newPassword: NewPassword }).strict(),
        response: {
          204: z.null(),
          ...errors(
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "WEAK_PASSWORD",
            "UNAUTHORIZED",
            "INVALID_CREDENTIALS",
            "UNSUPPORTED_CONTENT_TYPE",
            "RATE_LIMITED",
            "SERVICE_UNAVAILABLE",
          ),
        },
      },
    },
    async (req, reply) => {
      const { email, sub, sid } = req.user;
      await app.limitAccount(req, email);
      const user = await jobs.getUserByEmail(email);
      if (!user || !(await passwords.verify(req.body.currentPassword, user.passwordHash))) {
        audit(req, { action: "password-change", result: "fail", target: email, reason: "INVALID_CREDENTIALS" });
        throw new AppError("INVALID_CREDENTIALS", "the current password is wrong");
      }
      assertStrongPassword(req.body.newPassword);
      await app.sessions.changePassword(email, await passwords.hash(req.body.newPassword), sid);
      app.users.forget(email);
      audit(req, { action: "password-change", result: "ok", userId: sub, target: email });
      return reply.code(204).send(null);
    },
  );
};
