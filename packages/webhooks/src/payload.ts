import type { Job, JobEvent, JobEventType } from "@mp4t/contracts";
import type { WebhookEvent } from "./store.ts";

/** The job events webhooks carry: the three ends of a job. */
export const WEBHOOK_JOB_EVENT_TYPES = ["completed", "failed", "canceled"] as const satisfies readonly JobEventType[];

/** The webhook event a job event stands for, or null (only the three ends of a job are sent). */
export function webhookEventOf(e: Pick<JobEvent, "type">): WebhookEvent | null {
  return (WEBHOOK_JOB_EVENT_TYPES as readonly string[]).includes(e.type) ? `job.${e.type as (typeof WEBHOOK_JOB_EVENT_TYPES)[number]}` : null;
}

/**
 * The payload: `{type, timestamp, data: {job}}` with the job as the API shows it (GET
 * /v1/jobs/:id without `queue`): everything but the owner and the internal chunk plan.
 */
export function webhookBody(event: WebhookEvent, at: string, job: Job): string {
  const { userId: _userId, chunks: _chunks, ...view } = job;
  return JSON.stringify({ type: event, timestamp: at, data: { job: view } });
}

/** `webhook-id`: the same for every attempt and re-send of one delivery, so receivers can deduplicate. */
export const webhookMessageId = (endpointId: string, deliveryId: string) => `msg_${endpointId}_${deliveryId}`;

/** Nats-Msg-Id of a delivery's first attempt; later attempts and re-sends add their number. */
export const firstAttemptMsgId = (endpointId: string, jobId: string, event: WebhookEvent) => `webhook:${endpointId}:${jobId}:${event}`;
export const laterAttemptMsgId = (endpointId: string, deliveryId: string, attempt: number, kind: "retry" | "resend") =>
  `webhook:${endpointId}:${deliveryId}:${kind}:${attempt}`;

/** Time the first attempt (and a re-send) has before the retry scan assumes its message was lost. */
export const LOST_MESSAGE_GRACE_MS = 60_000;
