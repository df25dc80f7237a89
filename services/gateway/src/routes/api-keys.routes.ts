import { API_KEY_SCOPES, ApiKeyScope, MAX_API_KEYS_PER_USER, type ApiKeyRecord } from "@mp4t/contracts";
import { AppError, newId } from "@mp4t/contracts";
import type { ApiKeyStore } from "@mp4t/stores";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { audit } from "../audit/audit.ts";
import { hashApiKey, newApiKey } from "../auth/api-keys.ts";
import { bearer, errors, sessionOnly } from "../schemas/api.schema.ts";

const Scopes = z
  .array(ApiKeyScope)
  .min(1)
  .max(API_KEY_SCOPES.length)
  .describe("jobs:read (reads, event streams, search), jobs:write (uploads, job actions, edits), webhooks. Default: all three.");
const ApiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe("The key's first 12 characters."),
  scopes: z.array(ApiKeyScope),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable().describe("Recorded to within a minute."),
});
const CreatedApiKey = ApiKeyView.omit({ lastUsedAt: true }).extend({
  key: z.string().describe("The key itself, shown only now: send it as `Authorization: Bearer mp4t_...`."),
});
const view = (k: ApiKeyRecord) => ({ id: k.id, name: k.name, prefix: k.prefix, scopes: k.scopes, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt });

/**
 * POST/GET /v1/api-keys, DELETE /v1/api-keys/:id: a signed-in session only (a key never manages
 * keys). A key is stored as its SHA-256; a revoked key stops working within AUTH_CACHE_MS.
 */
export const apiKeysRoutes: FastifyPluginAsyncZod<{ store: ApiKeyStore }> = async (app, { store }) => {
  app.addHook("onRequest", app.authenticate);

  app.post(
    "/api-keys",
    {
      schema: {
        operationId: "createApiKey",
        tags: ["api-keys"],
        summary: "Create an API key (shown once)",
        security: sessionOnly,
        body: z.object({ name: z.string().trim().min(1).max(100), scopes: Scopes.optional() }).strict(),
        response: {
          201: CreatedApiKey,
          ...errors("VALIDATION_FAILED", "INVALID_JSON", "UNAUTHORIZED", "INSUFFICIENT_SCOPE", "UNSUPPORTED_CONTENT_TYPE", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req, reply) => {
      const { sub: userId, email } = req.user;
      if ((await store.list(userId)).length >= MAX_API_KEYS_PER_USER) {
        throw new AppError("VALIDATION_FAILED", `you have ${MAX_API_KEYS_PER_USER} API keys; revoke one first`);
      }
      const key = newApiKey();
      const record: ApiKeyRecord = {
        id: newId(),
        userId,
        email,
        name: req.body.name,
        prefix: key.slice(0, 12),
        hash: hashApiKey(key),
        scopes: [...new Set(req.body.scopes ?? API_KEY_SCOPES)],
        createdAt: new Date().toISOString(),
        lastUsedAt: null,
      };
      await store.create(record);
      audit(req, { action: "api-key-create", result: "ok", target: `api-key:${record.id}` });
      const { lastUsedAt: _unused, ...created } = view(record);
      return reply.code(201).send({ ...created, key });
    },
  );

  app.get(
    "/api-keys",
    {
      schema: {
        operationId: "listApiKeys",
        tags: ["api-keys"],
        summary: "Your API keys (never the keys themselves)",
        security: sessionOnly,
        response: { 200: z.object({ items: z.array(ApiKeyView) }), ...errors("UNAUTHORIZED", "INSUFFICIENT_SCOPE", "SERVICE_UNAVAILABLE") },
      },
    },
    async (req) => ({ items: (await store.list(req.user.sub)).map(view) }),
  );

  app.delete(
    "/api-keys/:id",
    {
      schema: {
        operationId: "revokeApiKey",
        tags: ["api-keys"],
        summary: "Revoke an API key (it stops working within AUTH_CACHE_MS)",
        security: sessionOnly,
        params: z.object({ id: z.string().regex(/^[0-9a-z]{26}$/) }),
        response: {
          204: z.null(),
          ...errors("VALIDATION_FAILED", "INVALID_JSON", "UNAUTHORIZED", "INSUFFICIENT_SCOPE", "NOT_FOUND", "UNSUPPORTED_CONTENT_TYPE", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req, reply) => {
      const key = (await store.list(req.user.sub)).find((k) => k.id === req.params.id);
      if (!key || !(await store.delete(req.user.sub, key.id))) throw new AppError("NOT_FOUND", "no such API key");
      app.apiKeys.forget(key.hash);
      audit(req, { action: "api-key-revoke", result: "ok", target: `api-key:${key.id}` });
      return reply.code(204).send(null);
    },
  );
};

/** POST /v1/auth/stream-token: a 60-second token for EventSource, which cannot send headers. */
export const streamTokenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook("onRequest", app.authenticate);
  app.post(
    "/stream-token",
    {
      schema: {
        operationId: "createStreamToken",
        tags: ["auth"],
        security: bearer,
        summary: "A 60-second token for the event streams, to pass as ?access_token= (EventSource cannot send headers)",
        description:
          "Accepted only by GET /v1/jobs/{id}/events and GET /v1/events, only for your own jobs; nowhere else. " +
          "It ends with the session or API key that asked for it (logout, sign out everywhere, password change, key revoked).",
        response: {
          200: z.object({ token: z.string(), expiresAt: z.iso.datetime() }),
          ...errors("INVALID_JSON", "UNAUTHORIZED", "INSUFFICIENT_SCOPE", "UNSUPPORTED_CONTENT_TYPE", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req) => app.issueStreamToken(req.user),
  );
};
