import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from "@opentelemetry/api";
import type { JsMsg } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";
import { MESSAGING_SYSTEM_NATS, MessagingAttr, Mp4tAttr, inSpan, tracer, withJobContext } from "@mp4t/runtime";

/** Trace context through NATS headers: a publish span's context travels to the consumer's span. */
const hdrSetter: TextMapSetter<MsgHdrs> = { set: (h, k, v) => h.set(k, v) };
const hdrGetter: TextMapGetter<MsgHdrs | undefined> = {
  get: (h, k) => (h?.has(k) ? h.get(k) : undefined),
  keys: (h) => h?.keys() ?? [],
};

/** Writes the active trace context (`traceparent`) into NATS message headers. */
export function injectTraceContext(h: MsgHdrs, ctx: Context = context.active()): MsgHdrs {
  propagation.inject(ctx, h, hdrSetter);
  return h;
}

export function extractTraceContext(h: MsgHdrs | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, h, hdrGetter);
}

/** Span names must stay low-cardinality: event subjects hold a job id, work subjects a fairness bucket. */
export const subjectTemplate = (subject: string) =>
  subject.startsWith("mp4t.v1.events.")
    ? subject.replace(/^mp4t\.v1\.events\.[^.]+/, "mp4t.v1.events.{job_id}")
    : subject.replace(/^(mp4t\.v1\.work\.[^.]+\.[^.]+)\.b\d+\./, "$1.{bucket}.");

/**
 * A PRODUCER span around one publish ("publish <destination>"), with the trace context injected
 * into the message's headers inside it, so the consumer's span becomes its child.
 */
export function tracePublish<T>(subject: string, attrs: Attributes, fn: () => Promise<T>): Promise<T> {
  const template = subjectTemplate(subject);
  return tracer().startActiveSpan(
    `publish ${template}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        [MessagingAttr.SYSTEM]: MESSAGING_SYSTEM_NATS,
        [MessagingAttr.OPERATION_NAME]: "publish",
        [MessagingAttr.OPERATION_TYPE]: "send",
        [MessagingAttr.DESTINATION_NAME]: subject,
        ...(template !== subject ? { [MessagingAttr.DESTINATION_TEMPLATE]: template } : {}),
        ...attrs,
      },
    },
    (span) => inSpan(span, fn),
  );
}

type Body = { jobId?: unknown; chunk?: { index?: unknown; startSec?: unknown; endSec?: unknown } };

const processSpans = new WeakMap<JsMsg, Span>();

/**
 * A CONSUMER span ("process <destination>") around one delivery, continued from the trace
 * context in its headers, with the job id in context for the logs written while it runs.
 */
export function traceProcess(m: JsMsg, stage: string, consumerGroup: string, run: () => Promise<void>): Promise<void> {
  let body: Body = {};
  try {
    body = m.json<Body>() ?? {};
  } catch {
    /* a poison message: the runner dead-letters it; the span still records it */
  }
  const jobId = typeof body.jobId === "string" ? body.jobId : undefined;
  const attrs: Attributes = {
    [MessagingAttr.SYSTEM]: MESSAGING_SYSTEM_NATS,
    [MessagingAttr.OPERATION_NAME]: "process",
    [MessagingAttr.OPERATION_TYPE]: "process",
    [MessagingAttr.DESTINATION_NAME]: m.subject,
    [MessagingAttr.CONSUMER_GROUP]: consumerGroup,
    [MessagingAttr.MESSAGE_ID]: (m.headers?.has("Nats-Msg-Id") ? m.headers.get("Nats-Msg-Id") : "") || `${m.info.stream}:${m.seq}`,
    [MessagingAttr.BODY_SIZE]: m.data.length,
    [Mp4tAttr.STAGE]: stage,
    [Mp4tAttr.ATTEMPT]: m.info.deliveryCount,
    ...(jobId ? { [Mp4tAttr.JOB_ID]: jobId } : {}),
    ...(typeof body.chunk?.index === "number" ? { [Mp4tAttr.CHUNK_INDEX]: body.chunk.index } : {}),
    ...(typeof body.chunk?.startSec === "number" && typeof body.chunk.endSec === "number"
      ? { [Mp4tAttr.MEDIA_DURATION_SEC]: body.chunk.endSec - body.chunk.startSec }
      : {}),
  };
  let parent = extractTraceContext(m.headers);
  if (jobId) parent = withJobContext(parent, jobId);
  const template = subjectTemplate(m.subject);
  if (template !== m.subject) attrs[MessagingAttr.DESTINATION_TEMPLATE] = template;
  const span = tracer().startSpan(`process ${template}`, { kind: SpanKind.CONSUMER, attributes: attrs }, parent);
  processSpans.set(m, span);
  return context.with(trace.setSpan(parent, span), () => inSpan(span, run));
}

/** Records how a delivery ended on its process span (called by the runner's outcome seam). */
export function markOutcome(m: JsMsg, outcome: string): void {
  const span = processSpans.get(m);
  if (!span) return;
  span.setAttribute(Mp4tAttr.OUTCOME, outcome);
  if (outcome === "retry" || outcome === "dead_letter") span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
}
