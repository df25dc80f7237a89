import { z } from "zod";

export const WEBHOOK_EVENTS = ["job.completed", "job.failed", "job.canceled"] as const;
export const WebhookEvent = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof WebhookEvent>;

const Id = z.string().regex(/^[0-9a-z]{26}$/);
const Time = z.iso.datetime();

/** A receiver of one user's job events. The secret is kept as given: every delivery signs with it. */
export const WebhookEndpoint = z
  .object({
    id: Id,
    userId: z.string().min(1).max(64),
    url: z.string().min(1).max(2048),
    events: z.array(WebhookEvent).min(1).max(WEBHOOK_EVENTS.length),
    description: z.string().max(500),
    enabled: z.boolean(),
    disabledReason: z.string().max(500).nullable(),
    secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]{32,100}$/),
    /** Failed attempts in a row across its deliveries, and since when; both reset by a success. */
    consecutiveFailures: z.number().int().min(0),
    failingSince: Time.nullable(),
    createdAt: Time,
    updatedAt: Time,
  })
  .strict();
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** The delivery log keeps a delivery this long after its last change, in every store. */
export const DELIVERY_RETENTION_MS = 30 * 24 * 3_600_000;

/** `<jobId>-<completed|failed|canceled>`: one delivery per endpoint, job and event. */
export const deliveryIdOf = (jobId: string, event: WebhookEvent) => `${jobId}-${event.slice("job.".length)}`;
export const DeliveryId = z.string().regex(/^[0-9a-z]{26}-(completed|failed|canceled)$/);

export const WebhookDelivery = z
  .object({
    id: DeliveryId,
    endpointId: Id,
    userId: z.string().min(1).max(64),
    jobId: Id,
    event: WebhookEvent,
    status: z.enum(["pending", "succeeded", "failed"]),
    attempts: z.number().int().min(0),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().max(1000).nullable(),
    /** When the next attempt is due (pending only); the janitor publishes due attempts. */
    nextAttemptAt: Time.nullable(),
    /** `attempts` when the current retry schedule began (0, or the count at the last re-send). */
    retryFrom: z.number().int().min(0),
    /** The payload, fixed when the event happened, so every attempt and re-send sends the same bytes. */
    body: z.string().max(65_536),
    createdAt: Time,
    updatedAt: Time,
  })
  .strict();
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

type Mutate<T> = (current: T) => T | undefined;

/**
 * Webhook endpoints and their delivery log. Updates are compare-and-set: `mutate` sees the
 * current value and may be called again if another writer got there first; returning undefined
 * leaves the record as it is.
 */
export type WebhookStore = {
  /** False when the user already has `maxPerUser` endpoints. */
  createEndpoint(endpoint: WebhookEndpoint, maxPerUser: number): Promise<boolean>;
  getEndpoint(userId: string, id: string): Promise<WebhookEndpoint | null>;
  /** The user's endpoints, oldest first. */
  listEndpoints(userId: string): Promise<WebhookEndpoint[]>;
  updateEndpoint(userId: string, id: string, mutate: Mutate<WebhookEndpoint>): Promise<WebhookEndpoint | null>;
  /** Removes the endpoint and its delivery log; false when there was none. */
  deleteEndpoint(userId: string, id: string): Promise<boolean>;
  /** False when the delivery exists already (a replayed event). */
  createDelivery(delivery: WebhookDelivery): Promise<boolean>;
  getDelivery(endpointId: string, id: string): Promise<WebhookDelivery | null>;
  updateDelivery(endpointId: string, id: string, mutate: Mutate<WebhookDelivery>): Promise<WebhookDelivery | null>;
  /** The endpoint's deliveries, newest first, at most `limit`. */
  listDeliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]>;
  /** Pending deliveries whose next attempt is due at `now`, at most `limit`, oldest due first. */
  dueDeliveries(now: Date, limit: number): Promise<WebhookDelivery[]>;
  close(): Promise<void>;
};
