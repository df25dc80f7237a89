/**
 * Stable error codes. Clients and operators key on these, so they never change meaning;
 * the gateway maps each to an HTTP status (a test checks every code is mapped).
 */
export const ERROR_CODES = {
  // Request errors (gateway).
  VALIDATION_FAILED: "The request body, query or parameters do not match the schema.",
  INVALID_JSON: "The body or the options field is not valid JSON.",
  UNAUTHORIZED: "Missing, invalid or expired bearer token.",
  INVALID_CREDENTIALS: "Email or password is wrong.",
  FORBIDDEN: "The caller may not do this.",
  INSUFFICIENT_SCOPE: "The API key's scopes do not cover this route, or the route needs a signed-in session (keys, passwords, sessions, admin).",
  NOT_FOUND: "No such resource.",
  EMAIL_TAKEN: "An account with this email already exists (stores only: the API never reveals it).",
  RATE_LIMITED: "Too many requests from this address or for this account; wait for Retry-After seconds.",
  TOO_MANY_STREAMS: "The user has the configured maximum of event streams open.",
  TOO_MANY_ACTIVE_JOBS: "The user has the configured maximum of queued or processing jobs.",
  STORAGE_QUOTA_EXCEEDED: "The upload would take the user's stored media past the configured quota.",
  WEAK_PASSWORD: "The password is too short, too common or blank.",
  REGISTRATION_CLOSED: "Registration is closed, or needs a valid invite code.",
  REQUEST_TIMEOUT: "The request body did not arrive in time (too slow or stalled).",
  FILE_MISSING: "The multipart request has no file part.",
  FILE_EMPTY: "The uploaded file is empty.",
  FILE_TOO_LARGE: "The upload exceeds the configured size limit.",
  UNSUPPORTED_CONTENT_TYPE: "The request's content type is not accepted here.",
  TRANSCRIPT_NOT_READY: "The job has not completed, so it has no transcript yet.",
  JOB_FINISHED: "The job has already finished and cannot change state.",
  JOB_ALREADY_ENDED: "The job has already completed, failed or been canceled, so it cannot be canceled.",
  JOB_NOT_RETRYABLE: "Only a failed job whose upload is still stored can be retried.",
  TRANSCRIPT_CHANGED: "The transcript has changed since the version If-Match names; fetch the current version and apply the change to it.",
  PRECONDITION_REQUIRED: "This change needs an If-Match header holding the ETag of the transcript version it was made on.",
  VERSION_LIMIT: "The transcript has as many versions as are kept; no further changes are accepted.",
  DEAD_LETTER_UNREDRIVABLE: "The dead letter holds no valid work message (a poison message), so re-driving it cannot help.",
  OPTION_UNSUPPORTED:
    "An option names something this deployment does not offer (a language, engine, translation or speaker count); `details` names the option, the value and what is available (GET /v1/capabilities).",
  WEBHOOK_URL_NOT_ALLOWED:
    "The webhook URL is not an http(s) URL whose host resolves only to public addresses (private, loopback, link-local and similar targets need the operator's allow-list; production needs https).",
  WEBHOOK_LIMIT_REACHED: "The user has the configured maximum of webhook endpoints.",
  WEBHOOK_DISABLED: "The webhook endpoint is disabled; enable it (PATCH enabled:true) before re-sending.",
  TOO_MANY_UPLOADS: "The user has the configured maximum of unfinished resumable uploads.",
  UPLOAD_SCRATCH_FULL: "The server's area for unfinished resumable uploads is full; retry later.",
  STORAGE_FULL: "The server's disk is full or nearly so; retry later.",
  UPLOAD_LOCKED: "Another request is writing this resumable upload; retry once it has ended.",
  UPLOAD_OFFSET_MISMATCH: "Upload-Offset does not match the bytes the server has; HEAD the upload and resume from its offset.",
  TUS_VERSION_UNSUPPORTED: "The request does not speak tus 1.0.0 (Tus-Resumable header).",
  RANGE_NOT_SATISFIABLE: "The Range header asks for bytes the media does not have, or for several ranges.",
  MEDIA_GONE: "The job's original media was deleted after the retention period; the transcript stays.",
  SERVICE_UNAVAILABLE: "A dependency (NATS, a store) is unreachable; retry later.",
  INTERNAL: "An unexpected server error.",
  // Job failure codes (workers).
  MEDIA_UNREADABLE: "The file is not audio or video we can read (corrupt, truncated or not media at all).",
  MEDIA_NO_AUDIO: "The media has no audio stream.",
  MEDIA_UNSUPPORTED_CODEC: "The audio codec cannot be decoded.",
  MEDIA_TOO_LONG: "The media is longer than the configured maximum duration.",
  MEDIA_UNSUPPORTED_CONTAINER:
    "The file's container format is not one we accept (accepted: MP4/MOV/M4A/3GP, Matroska/WebM, MP3, WAV, FLAC, Ogg/Opus, AAC, AIFF, CAF, AMR, AVI, MPEG-TS, MPEG-PS, ASF/WMA/WMV, FLV).",
  MEDIA_REFERENCE_NOT_ALLOWED:
    "The file is a playlist, manifest or list that points at other files or addresses (HLS, DASH, concat, SDP); only the media itself can be uploaded.",
  MEDIA_AUDIO_TRACK_NOT_FOUND: "The media has no audio track with the index the audioTrack option names (the job's media lists the tracks it has).",
  LANGUAGE_UNSUPPORTED: "The chosen engine does not support the requested language.",
  ENGINE_UNKNOWN: "No transcription engine of that name is configured.",
  ENGINE_FAILED: "The transcription engine failed on this audio.",
  ENGINE_REJECTED: "The transcription provider refused the request (credentials, permissions, model or request size); retrying cannot help.",
  STAGE_TIMEOUT: "A stage made no progress before its deadline.",
  RETRIES_EXHAUSTED: "A stage kept failing after every retry.",
  POISON_MESSAGE: "A message did not match its contract.",
  CANCELED: "The job was canceled.",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export const isErrorCode = (code: unknown): code is ErrorCode => typeof code === "string" && Object.hasOwn(ERROR_CODES, code);

/**
 * Job failures the user caused (the upload, the options they chose): a retry or a re-drive cannot
 * help and the system is not at fault. The job fails with the code, nothing is dead-lettered and
 * the health policy does not count it against the system.
 */
export const USER_MISTAKE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "MEDIA_UNREADABLE",
  "MEDIA_NO_AUDIO",
  "MEDIA_UNSUPPORTED_CODEC",
  "MEDIA_TOO_LONG",
  "MEDIA_UNSUPPORTED_CONTAINER",
  "MEDIA_REFERENCE_NOT_ALLOWED",
  "MEDIA_AUDIO_TRACK_NOT_FOUND",
  "OPTION_UNSUPPORTED",
  "LANGUAGE_UNSUPPORTED",
  "ENGINE_UNKNOWN",
]);
export const isUserMistake = (code: string | undefined): boolean => USER_MISTAKE_CODES.has(code as ErrorCode);
