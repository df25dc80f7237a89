import { errorMessage, type JobEvent } from "@mp4t/contracts";
import type { Logger } from "@mp4t/runtime";
import { WEBHOOK_EVENTS_DURABLE, type JobEvents, type Publisher } from "@mp4t/messaging";
import type { JobStore } from "@mp4t/stores";
import {
  deliveryIdOf,
  firstAttemptMsgId,
  laterAttemptMsgId,
  LOST_MESSAGE_GRACE_MS,
  webhookBody,
  webhookEventOf,
  WEBHOOK_JOB_EVENT_TYPES,
  type WebhookStore,
} from "@mp4t/webhooks";

export type DispatchDeps = { store: WebhookStore; jobs: Pick<JobStore, "getJob">; publisher: Publisher; logger: Logger };

/**
 * A job ended: one delivery per enabled endpoint of its owner that takes this event, recorded
 * (once: the id is `<jobId>-<event>`) and its first attempt queued on the low lane. A replayed
 * event finds the record and re-publishes only a first attempt not yet made (deduplicated by
 * Nats-Msg-Id within the stream's window, and by the record after it).
 */
export async function fanOutJobEnd(deps: DispatchDeps, event: JobEvent): Promise<number> {
  const type = webhookEventOf(event);
  if (!type) return 0;
  const endpoints = (await deps.store.listEndpoints(event.userId)).filter((e) => e.enabled && e.events.includes(type));
  if (!endpoints.length) return 0;
  const job = await deps.jobs.getJob({ userId: event.userId, jobId: event.jobId });
  if (!job) return 0; // deleted meanwhile: nothing to describe
  const body = webhookBody(type, event.at, job);
  const now = new Date().toISOString();
  const id = deliveryIdOf(job.id, type);
  for (const ep of endpoints) {
    const created = await deps.store.createDelivery({
      id,
      endpointId: ep.id,
      userId: ep.userId,
      jobId: job.id,
      event: type,
      status: "pending",
      attempts: 0,
      lastStatusCode: null,
      lastError: null,
      nextAttemptAt: new Date(Date.now() + LOST_MESSAGE_GRACE_MS).toISOString(),
      retryFrom: 0,
      body,
      createdAt: now,
      updatedAt: now,
    });
    if (!created && (await deps.store.getDelivery(ep.id, id))?.attempts !== 0) continue;
    await deps.publisher.command(
      "webhook",
      "batch",
      { v: 1, jobId: job.id, userId: ep.userId, endpointId: ep.id, deliveryId: id, attempt: 1 },
      firstAttemptMsgId(ep.id, job.id, type),
    );
  }
  return endpoints.length;
}

/**
 * Publishes the next attempt of every delivery that is due (a retry, or a first attempt whose
 * message was lost). Each is first marked due again LOST_MESSAGE_GRACE_MS later, so while the lane
 * has a backlog the scan does not publish the same attempt every interval (the stream's duplicate
 * window is only two minutes).
 */
export async function publishDueAttempts(deps: Pick<DispatchDeps, "store" | "publisher">, now = new Date(), limit = 500): Promise<number> {
  const due = await deps.store.dueDeliveries(now, limit);
  const later = new Date(now.getTime() + LOST_MESSAGE_GRACE_MS).toISOString();
  let published = 0;
  for (const d of due) {
    let mine = false;
    await deps.store.updateDelivery(d.endpointId, d.id, (c) => {
      mine = c.status === "pending" && c.attempts === d.attempts && c.nextAttemptAt === d.nextAttemptAt;
      return mine ? { ...c, nextAttemptAt: later } : undefined;
    });
    if (!mine) continue; // claimed, ended or rescheduled meanwhile (another janitor, a re-send)
    const attempt = d.attempts + 1;
    await deps.publisher.command(
      "webhook",
      "batch",
      { v: 1, jobId: d.jobId, userId: d.userId, endpointId: d.endpointId, deliveryId: d.id, attempt },
      laterAttemptMsgId(d.endpointId, d.id, attempt, "retry"),
    );
    published++;
  }
  return published;
}

/**
 * Follows job events with the janitor's own durable on the events stream (created here, new
 * events only, so a first start does not replay a week of history) and fans job ends out (its filter: the types webhooks carry). This
 * is not a lane consumer, so the runner does not serve it: an event is acked once its deliveries
 * are recorded and queued, and nak'd for another try in 5 s when that fails.
 */
export async function followJobEnds(events: Pick<JobEvents, "consumeDurable">, deps: DispatchDeps): Promise<{ stop(): Promise<void> }> {
  return events.consumeDurable(
    WEBHOOK_EVENTS_DURABLE,
    async (event) => {
      try {
        await fanOutJobEnd(deps, event);
      } catch (err) {
        deps.logger.warn({ err: errorMessage(err), jobId: event.jobId }, "webhook fan-out failed; will retry");
        throw err;
      }
    },
    // The server hands over job ends only, not the progress events (a dozen a job) around them.
    { types: WEBHOOK_JOB_EVENT_TYPES },
  );
}
