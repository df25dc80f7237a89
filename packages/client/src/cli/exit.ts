import { ApiError } from "../errors.ts";

/** The CLI's exit codes (README "Integrating"). */
export const EXIT = {
  ok: 0,
  /** The API refused the request (its code is printed). */
  api: 1,
  /** Wrong arguments, unreadable files or config. */
  usage: 2,
  /** The job failed or was canceled. */
  jobFailed: 3,
  /** No credentials, or the server refused them (401/403). */
  auth: 4,
  /** The server could not be reached, or a wait timed out. */
  unreachable: 5,
} as const;

export class CliError extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, message: string) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** The message and exit code of anything a command threw. */
export function describeFailure(err: unknown): { message: string; exitCode: number } {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  if (err instanceof ApiError) {
    if (err.code === "NETWORK") return { message: err.message, exitCode: EXIT.unreachable };
    const details = err.details ? ` ${JSON.stringify(err.details)}` : "";
    const exitCode = err.status === 401 || err.status === 403 ? EXIT.auth : EXIT.api;
    return { message: `${err.code} (HTTP ${err.status}): ${err.message}${details}`, exitCode };
  }
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) return { message: err.message, exitCode: EXIT.unreachable };
  return { message: err instanceof Error ? err.message : String(err), exitCode: EXIT.api };
}
