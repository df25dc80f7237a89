import type { Command } from "@mp4t/contracts";
import type { Logger } from "@mp4t/runtime";
import {
  checkTarget,
  postWebhook,
  webhookHeaders,
  webhookMessageId,
  type SendResult,
  type TargetSettings,
  type WebhookEndpoint,
  type WebhookStore,
} from "@mp4t/webhooks";

export type WebhookDeliverySettings = {
  target: TargetSettings;
  timeoutMs: number;
  /** Delays before the 2nd, 3rd ... attempt of a delivery; after the last, it has failed. */
  scheduleMs: number[];
  disableAfterFailures: number;
  disableAfterMs: number;
};

export type WebhookHandlerDeps = {
  store: WebhookStore;
  settings: WebhookDeliverySettings;
  logger: Logger;
  now?: () => number;
  /** A failed attempt's next one is due at this time (ms since the epoch): the retry scan should run by then. */
  onRetryScheduled?: (atMs: number) => void;
};

/** Failure bookkeeping on the endpoint: a success clears it; enough failures over enough time disable it. */
export function recordOutcome(ep: WebhookEndpoint, ok: boolean, s: WebhookDeliverySettings, now: number): WebhookEndpoint {
  if (ok) return { ...ep, consecutiveFailures: 0, failingSince: null };
  const failingSince = ep.failingSince ?? new Date(now).toISOString();
  const next = { ...ep, consecutiveFailures: ep.consecutiveFailures + 1, failingSince };
  if (ep.enabled && next.consecutiveFailures >= s.disableAfterFailures && now - Date.parse(failingSince) >= s.disableAfterMs) {
    return { ...next, enabled: false, disabledReason: `disabled after ${next.consecutiveFailures} failed delivery attempts in a row since ${failingSince}` };
  }
  return next;
}

/**
 * webhook: one attempt of one delivery. The delivery record decides: only a pending delivery
 * whose next attempt is this message's is tried, claimed first by compare-and-set (so a replay or
 * a duplicate from the retry scan does nothing). The URL is checked again and the request goes to
 * the addresses checked. The outcome is recorded on the delivery (next attempt per the schedule,
 * or failed after the last) and on the endpoint (disabled after repeated failure). A receiver's
 * failure is not the handler's: it returns normally and the retry scan publishes the next attempt.
 */
export function webhookHandler(deps: WebhookHandlerDeps) {
  const { store, settings, logger } = deps;
  const now = deps.now ?? Date.now;
  const iso = (ms: number) => new Date(ms).toISOString();
  return async (msg: Command<"webhook">) => {
    const delivery = await store.getDelivery(msg.endpointId, msg.deliveryId);
    if (delivery?.status !== "pending" || delivery.attempts + 1 !== msg.attempt) return;
    const ep = await store.getEndpoint(delivery.userId, delivery.endpointId);
    if (!ep) return; // deleted: its log went with it
    if (!ep.enabled) {
      await store.updateDelivery(ep.id, delivery.id, (d) =>
        d.status === "pending" ? { ...d, status: "failed", nextAttemptAt: null, lastError: "the endpoint is disabled" } : undefined,
      );
      return;
    }
    let claimed = false;
    await store.updateDelivery(ep.id, delivery.id, (d) => {
      claimed = d.status === "pending" && d.attempts + 1 === msg.attempt;
      // Should this process die mid-attempt, the retry scan takes the delivery up again after this.
      return claimed ? { ...d, attempts: msg.attempt, nextAttemptAt: iso(now() + settings.timeoutMs + 60_000) } : undefined;
    });
    if (!claimed) return;

    const target = await checkTarget(ep.url, settings.target);
    const result: SendResult = target.ok
      ? await postWebhook(target, delivery.body, webhookHeaders(ep.secret, webhookMessageId(ep.id, delivery.id), delivery.body, now()), settings.timeoutMs)
      : { ok: false, statusCode: null, error: `target refused: ${target.reason}`, responseBody: "" };
    const delay = settings.scheduleMs[msg.attempt - delivery.retryFrom - 1];
    const at = now();
    await store.updateDelivery(ep.id, delivery.id, (d) => ({
      ...d,
      status: result.ok ? "succeeded" : delay === undefined ? "failed" : "pending",
      lastStatusCode: result.statusCode,
      lastError: result.error?.slice(0, 1000) ?? null,
      nextAttemptAt: result.ok || delay === undefined ? null : iso(at + delay),
    }));
    if (!result.ok && delay !== undefined) deps.onRetryScheduled?.(at + delay);
    const updated = await store.updateEndpoint(ep.userId, ep.id, (e) => recordOutcome(e, result.ok, settings, at));
    const log = { endpointId: ep.id, deliveryId: delivery.id, attempt: msg.attempt, status: result.statusCode };
    if (result.ok) logger.debug(log, "webhook delivered");
    else logger.info({ ...log, err: result.error, retryInMs: delay ?? null }, "webhook attempt failed");
    if (ep.enabled && updated && !updated.enabled) logger.warn({ endpointId: ep.id }, "webhook endpoint disabled after repeated failures");
  };
}
