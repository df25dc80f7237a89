import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_USER_AGENT_ORIGINAL,
} from "@opentelemetry/semantic-conventions";

/** Stable HTTP server span attributes, re-exported so services need no semconv dependency. */
export const HttpAttr = {
  REQUEST_METHOD: ATTR_HTTP_REQUEST_METHOD,
  RESPONSE_STATUS_CODE: ATTR_HTTP_RESPONSE_STATUS_CODE,
  ROUTE: ATTR_HTTP_ROUTE,
  URL_PATH: ATTR_URL_PATH,
  USER_AGENT: ATTR_USER_AGENT_ORIGINAL,
} as const;

/**
 * Span attribute names, in one place. The messaging names follow the OpenTelemetry messaging
 * semantic conventions; they are still "incubating" upstream, and the semantic-conventions
 * package advises copying incubating names rather than importing them, so they are copied here.
 */
export const MessagingAttr = {
  SYSTEM: "messaging.system",
  OPERATION_NAME: "messaging.operation.name",
  OPERATION_TYPE: "messaging.operation.type",
  DESTINATION_NAME: "messaging.destination.name",
  DESTINATION_TEMPLATE: "messaging.destination.template",
  MESSAGE_ID: "messaging.message.id",
  BODY_SIZE: "messaging.message.body.size",
  CONSUMER_GROUP: "messaging.consumer.group.name",
} as const;

export const MESSAGING_SYSTEM_NATS = "nats";

/** MP4toText's own attributes: what an operator filters traces by. */
export const Mp4tAttr = {
  JOB_ID: "mp4t.job_id",
  STAGE: "mp4t.stage",
  LANE: "mp4t.lane",
  JOB_CLASS: "mp4t.job_class",
  ENGINE: "mp4t.engine",
  MEDIA_DURATION_SEC: "mp4t.media.duration_sec",
  CHUNK_INDEX: "mp4t.chunk.index",
  ATTEMPT: "mp4t.attempt",
  OUTCOME: "mp4t.outcome",
  UPLOAD_BYTES: "mp4t.upload.bytes",
} as const;

/** pino field names for trace correlation (the OpenTelemetry log data model's names). */
export const LogField = { TRACE_ID: "trace_id", SPAN_ID: "span_id", JOB_ID: "jobId" } as const;
