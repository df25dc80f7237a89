import { ERROR_CODES, isDiskFull, isErrorCode, type ErrorCode } from "@mp4t/contracts";
import { isTransportOutage } from "@mp4t/messaging";
import { HTTP_STATUS } from "./http-status.ts";

export type HttpError = { status: number; code: ErrorCode; message: string; details?: Record<string, unknown> };
export type ErrorBody = { error: { code: ErrorCode; message: string; details?: Record<string, unknown> } };

/** Framework error codes (Fastify, @fastify/multipart, @fastify/jwt) that are the client's doing. */
const FRAMEWORK_CODES: Record<string, { code: ErrorCode; status?: number }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: "INVALID_JSON" },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: "INVALID_JSON" },
  FST_INVALID_JSON_FIELD_ERROR: { code: "INVALID_JSON" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: "UNSUPPORTED_CONTENT_TYPE" },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { code: "UNSUPPORTED_CONTENT_TYPE" },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: "VALIDATION_FAILED", status: 413 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: "VALIDATION_FAILED" },
  FST_REQ_FILE_TOO_LARGE: { code: "FILE_TOO_LARGE" },
  FST_PARTS_LIMIT: { code: "VALIDATION_FAILED", status: 413 },
  FST_FILES_LIMIT: { code: "VALIDATION_FAILED", status: 413 },
  FST_FIELDS_LIMIT: { code: "VALIDATION_FAILED", status: 413 },
  FST_PROTO_VIOLATION: { code: "VALIDATION_FAILED" },
  FST_ERR_BAD_URL: { code: "VALIDATION_FAILED" },
  FST_ERR_MAX_PARAM_LENGTH: { code: "VALIDATION_FAILED", status: 414 },
};

/** nats.js JetStream errors: JetStream (and so the stores on it) cannot serve the request right now. */
const JETSTREAM_UNAVAILABLE = new Set([
  "JetStreamNotEnabled",
  "JetStreamError",
  "JetStreamStatusError",
  "JetStreamApiError",
  "StreamNotFoundError",
  "ConsumerNotFoundError",
]);

/** NATS unreachable (messaging's one outage list) or JetStream unable to serve. */
export function isUnavailable(err: unknown, depth = 0): boolean {
  if (depth === 0 && isTransportOutage(err)) return true;
  if (!(err instanceof Error) || depth > 4) return false;
  return JETSTREAM_UNAVAILABLE.has(err.name) || isUnavailable(err.cause, depth + 1);
}

const STATUS_CODES: Record<number, ErrorCode> = {
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  408: "REQUEST_TIMEOUT",
  429: "RATE_LIMITED",
  404: "NOT_FOUND",
  406: "UNSUPPORTED_CONTENT_TYPE",
  415: "UNSUPPORTED_CONTENT_TYPE",
};

type Loose = Error & { code?: unknown; statusCode?: unknown; validation?: unknown; details?: unknown };

const detailsOf = (err: Loose) =>
  err.details && typeof err.details === "object" && !Array.isArray(err.details) ? { details: err.details as Record<string, unknown> } : {};

/**
 * Turns anything thrown while handling a request into a status and a stable code. Client
 * mistakes are always 4xx; only what the server cannot explain is 500, with a generic message.
 */
export function toHttpError(thrown: unknown): HttpError {
  const err = (thrown instanceof Error ? thrown : new Error(String(thrown))) as Loose;
  // A write the disk refused, wherever it was made: the client hears that and no more (the log has the path).
  if (isDiskFull(err)) return { status: HTTP_STATUS.STORAGE_FULL, code: "STORAGE_FULL", message: ERROR_CODES.STORAGE_FULL };
  if (isErrorCode(err.code)) {
    return { status: HTTP_STATUS[err.code], code: err.code, message: err.message || ERROR_CODES[err.code], ...detailsOf(err) };
  }
  if (Array.isArray(err.validation)) {
    return { status: 400, code: "VALIDATION_FAILED", message: err.message };
  }
  const known = typeof err.code === "string" ? FRAMEWORK_CODES[err.code] : undefined;
  if (known) return { status: known.status ?? HTTP_STATUS[known.code], code: known.code, message: err.message };
  if (isUnavailable(err)) {
    return { status: 503, code: "SERVICE_UNAVAILABLE", message: ERROR_CODES.SERVICE_UNAVAILABLE };
  }
  const status = typeof err.statusCode === "number" ? err.statusCode : 500;
  if (status >= 400 && status < 500) {
    return { status, code: STATUS_CODES[status] ?? "VALIDATION_FAILED", message: err.message };
  }
  return { status: 500, code: "INTERNAL", message: ERROR_CODES.INTERNAL };
}

export const errorBody = (e: Pick<HttpError, "code" | "message" | "details">): ErrorBody => ({
  error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) },
});
