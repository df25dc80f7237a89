import type { ErrorCode } from "@mp4t/contracts";

/**
 * The HTTP status of every stable error code. Job failure codes normally appear only inside a
 * job's `error` field; should one be thrown in a request, media and option problems are the
 * client's (422) and pipeline faults are the server's (500).
 */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  EMAIL_TAKEN: 409,
  FILE_MISSING: 400,
  FILE_EMPTY: 400,
  FILE_TOO_LARGE: 413,
  UNSUPPORTED_CONTENT_TYPE: 415,
  TRANSCRIPT_NOT_READY: 409,
  JOB_FINISHED: 409,
  TRANSCRIPT_CHANGED: 412,
  PRECONDITION_REQUIRED: 428,
  VERSION_LIMIT: 409,
  DEAD_LETTER_UNREDRIVABLE: 409,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
  MEDIA_UNREADABLE: 422,
  MEDIA_NO_AUDIO: 422,
  MEDIA_UNSUPPORTED_CODEC: 422,
  MEDIA_TOO_LONG: 422,
  LANGUAGE_UNSUPPORTED: 422,
  ENGINE_UNKNOWN: 422,
  ENGINE_FAILED: 500,
  ENGINE_REJECTED: 502,
  STAGE_TIMEOUT: 500,
  RETRIES_EXHAUSTED: 500,
  POISON_MESSAGE: 500,
  CANCELED: 409,
};
