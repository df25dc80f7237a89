import { AppError, newId } from "@mp4t/contracts";
import type { Publisher } from "@mp4t/messaging";
import {
  checkTarget,
  DeliveryId,
  laterAttemptMsgId,
  LOST_MESSAGE_GRACE_MS,
  newWebhookSecret,
  WebhookEvent,
  type TargetSettings,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookStore,
} from "@mp4t/webhooks";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { bearer, errors } from "../schemas/api.schema.ts";

export type WebhooksRoutesOptions = { store: WebhookStore; publisher: Publisher; target: TargetSettings; maxPerUser: number };

const Events = z
  .array(WebhookEvent)
  .min(1)
  .max(3)
  .transform((e) => [...new Set(e)])
  .describe("The job events to receive.");
const Url = z.string().min(1).max(2048).describe("http(s) URL whose host resolves only to public addresses (unless the operator allows others).");
const Description = z.string().max(500);
const Params = z.object({ id: z.string().regex(/^[0-9a-z]{26}$/) });

const EndpointView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(WebhookEvent),
  description: z.string(),
  enabled: z.boolean(),
  createdAt: z.iso.datetime(),
  disabledReason: z.string().nullable().describe("Why the endpoint was disabled automatically, or null."),
});
const CreatedEndpoint = EndpointView.omit({ disabledReason: true }).extend({
  secret: z.string().describe("`whsec_` + base64: the Standard Webhooks signing secret, shown only here."),
});
const DeliveryView = z.object({
  id: z.string(),
  event: WebhookEvent,
  jobId: z.string(),
  status: z.enum(["pending", "succeeded", "failed"]),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const view = (e: WebhookEndpoint): z.infer<typeof EndpointView> => ({
  id: e.id,
  url: e.url,
  events: e.events,
  description: e.description,
  enabled: e.enabled,
  createdAt: e.createdAt,
  disabledReason: e.disabledReason,
});
const deliveryView = ({ endpointId: _e, userId: _u, retryFrom: _r, body: _b, ...d }: WebhookDelivery): z.infer<typeof DeliveryView> => d;
const tags = ["webhooks"];

/**
 * /v1/webhooks: a user's endpoints for job events (Standard Webhooks), their delivery log and
 * re-sends. Owner only: another user's endpoint is 404. URLs are checked against SSRF here and
 * again before every delivery (the janitor sends them).
 */
export const webhooksRoutes: FastifyPluginAsyncZod<WebhooksRoutesOptions> = async (app, opts) => {
  const { store, publisher } = opts;
  app.addHook("onRequest", app.authenticate);

  const allowedUrl = async (url: string) => {
    const checked = await checkTarget(url, opts.target);
    if (!checked.ok) throw new AppError("WEBHOOK_URL_NOT_ALLOWED", `webhook URL refused: ${checked.reason}`);
    return checked.url.href;
  };
  const owned = async (userId: string, id: string) => {
    const ep = await store.getEndpoint(userId, id);
    if (!ep) throw new AppError("NOT_FOUND", "no such webhook endpoint");
    return ep;
  };

  app.post(
    "",
    {
      schema: {
        tags,
        operationId: "createWebhook",
        summary: "Register a webhook endpoint; the answer holds its signing secret, shown once",
        security: bearer,
        body: z.object({ url: Url, events: Events, description: Description.optional() }).strict(),
        response: {
          201: CreatedEndpoint,
          ...errors(
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "WEBHOOK_URL_NOT_ALLOWED",
            "UNAUTHORIZED",
            "INSUFFICIENT_SCOPE",
            "WEBHOOK_LIMIT_REACHED",
            "UNSUPPORTED_CONTENT_TYPE",
            "RATE_LIMITED",
            "SERVICE_UNAVAILABLE",
          ),
        },
      },
    },
    async (req, reply) => {
      const now = new Date().toISOString();
      const ep: WebhookEndpoint = {
        id: newId(),
        userId: req.user.sub,
        url: await allowedUrl(req.body.url),
        events: req.body.events,
        description: req.body.description ?? "",
        enabled: true,
        disabledReason: null,
        secret: newWebhookSecret(),
        consecutiveFailures: 0,
        failingSince: null,
        createdAt: now,
        updatedAt: now,
      };
      if (!(await store.createEndpoint(ep, opts.maxPerUser))) {
        throw new AppError("WEBHOOK_LIMIT_REACHED", `you have the maximum of ${opts.maxPerUser} webhook endpoints`);
      }
      const { disabledReason: _d, ...created } = view(ep);
      return reply.code(201).send({ ...created, secret: ep.secret });
    },
  );

  app.get(
    "",
    {
      schema: {
        tags,
        operationId: "listWebhooks",
        summary: "Your webhook endpoints",
        security: bearer,
        response: { 200: z.object({ items: z.array(EndpointView) }), ...errors("UNAUTHORIZED", "INSUFFICIENT_SCOPE", "SERVICE_UNAVAILABLE") },
      },
    },
    async (req) => ({ items: (await store.listEndpoints(req.user.sub)).map(view) }),
  );

  app.get(
    "/:id",
    {
      schema: {
        tags,
        operationId: "getWebhook",
        summary: "One webhook endpoint",
        security: bearer,
        params: Params,
        response: { 200: EndpointView, ...errors("VALIDATION_FAILED", "UNAUTHORIZED", "INSUFFICIENT_SCOPE", "NOT_FOUND", "SERVICE_UNAVAILABLE") },
      },
    },
    async (req) => view(await owned(req.user.sub, req.params.id)),
  );

  app.patch(
    "/:id",
    {
      schema: {
        tags,
        operationId: "updateWebhook",
        summary: "Change an endpoint's URL, events, description, or enable it again",
        security: bearer,
        params: Params,
        body: z.object({ url: Url.optional(), events: Events.optional(), enabled: z.boolean().optional(), description: Description.optional() }).strict(),
        response: {
          200: EndpointView,
          ...errors(
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "WEBHOOK_URL_NOT_ALLOWED",
            "UNAUTHORIZED",
            "INSUFFICIENT_SCOPE",
            "NOT_FOUND",
            "UNSUPPORTED_CONTENT_TYPE",
            "SERVICE_UNAVAILABLE",
          ),
        },
      },
    },
    async (req) => {
      await owned(req.user.sub, req.params.id);
      const url = req.body.url === undefined ? undefined : await allowedUrl(req.body.url);
      const { events, enabled, description } = req.body;
      const updated = await store.updateEndpoint(req.user.sub, req.params.id, (e) => ({
        ...e,
        ...(url !== undefined ? { url } : {}),
        ...(events !== undefined ? { events } : {}),
        ...(description !== undefined ? { description } : {}),
        // Enabling (again) starts the failure count afresh; disabling by hand leaves no automatic reason.
        ...(enabled !== undefined ? { enabled, disabledReason: null, consecutiveFailures: 0, failingSince: null } : {}),
      }));
      if (!updated) throw new AppError("NOT_FOUND", "no such webhook endpoint");
      return view(updated);
    },
  );

  app.delete(
    "/:id",
    {
      schema: {
        tags,
        operationId: "deleteWebhook",
        summary: "Delete an endpoint and its delivery log",
        security: bearer,
        params: Params,
        response: {
          204: z.null(),
          ...errors("VALIDATION_FAILED", "INVALID_JSON", "UNAUTHORIZED", "INSUFFICIENT_SCOPE", "NOT_FOUND", "UNSUPPORTED_CONTENT_TYPE", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req, reply) => {
      if (!(await store.deleteEndpoint(req.user.sub, req.params.id))) throw new AppError("NOT_FOUND", "no such webhook endpoint");
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/:id/deliveries",
    {
      schema: {
        tags,
        operationId: "listWebhookDeliveries",
        summary: "The endpoint's delivery log, newest first (at most `limit`)",
        security: bearer,
        params: Params,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }),
        response: {
          200: z.object({ items: z.array(DeliveryView) }),
          ...errors("VALIDATION_FAILED", "UNAUTHORIZED", "INSUFFICIENT_SCOPE", "NOT_FOUND", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req) => {
      const ep = await owned(req.user.sub, req.params.id);
      return { items: (await store.listDeliveries(ep.id, req.query.limit)).map(deliveryView) };
    },
  );

  app.post(
    "/:id/deliveries/:deliveryId/resend",
    {
      schema: {
        tags,
        operationId: "resendWebhookDelivery",
        summary: "Send a delivery again now (same payload and webhook-id), with a fresh retry schedule",
        security: bearer,
        params: Params.extend({ deliveryId: DeliveryId }),
        response: {
          202: z.object({ id: z.string(), status: z.literal("pending") }),
          ...errors(
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "UNAUTHORIZED",
            "INSUFFICIENT_SCOPE",
            "NOT_FOUND",
            "WEBHOOK_DISABLED",
            "UNSUPPORTED_CONTENT_TYPE",
            "SERVICE_UNAVAILABLE",
          ),
        },
      },
    },
    async (req, reply) => {
      const ep = await owned(req.user.sub, req.params.id);
      if (!ep.enabled) throw new AppError("WEBHOOK_DISABLED", "the endpoint is disabled; enable it before re-sending");
      const due = new Date(Date.now() + LOST_MESSAGE_GRACE_MS).toISOString();
      const d = await store.updateDelivery(ep.id, req.params.deliveryId, (c) => ({ ...c, status: "pending", retryFrom: c.attempts, nextAttemptAt: due }));
      if (!d) throw new AppError("NOT_FOUND", "no such delivery");
      const attempt = d.attempts + 1;
      await publisher.command(
        "webhook",
        "batch",
        { v: 1, jobId: d.jobId, userId: d.userId, endpointId: ep.id, deliveryId: d.id, attempt },
        laterAttemptMsgId(ep.id, d.id, attempt, "resend"),
      );
      return reply.code(202).send({ id: d.id, status: "pending" as const });
    },
  );
};
