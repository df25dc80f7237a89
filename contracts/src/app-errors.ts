import { ERROR_CODES, type ErrorCode } from "./errors.ts";

/** An error with a stable code from contracts' ERROR_CODES. */
export class AppError extends Error {
  readonly code: ErrorCode;
  /** Machine-readable particulars for the client (the API's `error.details`), e.g. OPTION_UNSUPPORTED's option. */
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message ?? ERROR_CODES[code], options);
    this.code = code;
    this.name = "AppError";
    this.details = options?.details;
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
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(code, message, options);
    this.name = "PermanentError";
  }
}

/** Invalid settings: every problem listed; a service exits 78 on it. */
export class ConfigError extends Error {
  readonly issues: string[];
  constructor(service: string, issues: string[]) {
    super(`invalid configuration for ${service}:\n  - ${issues.join("\n  - ")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

export const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The errno codes of a full disk (or a full quota) on a write. */
const DISK_FULL_CODES: ReadonlySet<unknown> = new Set(["ENOSPC", "EDQUOT"]);

/**
 * True when the error, or one of its causes, is a write refused because the disk (or the
 * user's quota on it) is full: the machine's problem, not the work's, so it is retried like an
 * outage and never blamed on the job's media.
 */
export function isDiskFull(err: unknown): boolean {
  let depth = 0;
  for (let e = err; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof AppError ? e.code === "STORAGE_FULL" : DISK_FULL_CODES.has((e as { code?: unknown }).code)) return true;
  }
  return false;
}
