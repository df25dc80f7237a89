import { ERROR_CODES, type ErrorCode } from "@mp4t/contracts";

/** An error with a stable code from contracts' ERROR_CODES. */
export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERROR_CODES[code], options);
    this.code = code;
    this.name = "AppError";
  }
}

/** A failure that may pass on another attempt (network, busy engine): the runner naks with backoff. */
export class RetryableError extends AppError {
  /** The earliest a retry may succeed (a provider's Retry-After); the runner waits at least this long. */
  readonly retryAfterMs: number | undefined;
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(code, message, options);
    this.name = "RetryableError";
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** A failure no retry can fix (bad media, unsupported language): the runner fails the job at once. */
export class PermanentError extends AppError {
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "PermanentError";
  }
}

export const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));
