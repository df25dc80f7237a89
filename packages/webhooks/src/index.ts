export { classifyAddress, createAddressPolicy, embeddedIpv4 } from "./address-policy.ts";
export type { AddressClass, AddressPolicy, AddressPolicyOptions } from "./address-policy.ts";
export { checkTarget, pinnedLookup } from "./target.ts";
export type { CheckedTarget, TargetSettings } from "./target.ts";
export { newWebhookSecret, signWebhook, webhookHeaders } from "./signing.ts";
export { postWebhook, RESPONSE_CAP_BYTES } from "./sender.ts";
export type { SendResult } from "./sender.ts";
export { WEBHOOK_EVENTS, WebhookEvent, WebhookEndpoint, WebhookDelivery, DeliveryId, deliveryIdOf } from "./store.ts";
export type { WebhookStore } from "./store.ts";
export { createNatsKvWebhookStore } from "./adapters/nats-kv-webhook-store.adapter.ts";
export { webhooksEnv, targetSettings, parseSchedule, createWebhookStore } from "./config.ts";
export type { WebhooksConfig } from "./config.ts";
export {
  webhookEventOf,
  WEBHOOK_JOB_EVENT_TYPES,
  webhookBody,
  webhookMessageId,
  firstAttemptMsgId,
  laterAttemptMsgId,
  LOST_MESSAGE_GRACE_MS,
} from "./payload.ts";
