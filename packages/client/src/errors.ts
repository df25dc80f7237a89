/** An error answer of the API (`{error: {code, message, details?}}`), or a transport failure (`code` NETWORK). */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(status: number, code: string, message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The ApiError for a response that is not 2xx, from its body when it has the API's shape. */
export async function apiErrorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (typeof body.error?.code === "string") {
      const details = typeof body.error.details === "object" && body.error.details !== null ? (body.error.details as Record<string, unknown>) : undefined;
      return new ApiError(res.status, body.error.code, String(body.error.message ?? body.error.code), details);
    }
  } catch {
    /* not the API's JSON: described below */
  }
  return new ApiError(res.status, `HTTP_${res.status}`, `${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ""}`);
}

/** An ApiError from an openapi-fetch `error` (the parsed error body) and its response. */
export function toApiError(error: unknown, res: Response): ApiError {
  const e = (error as { error?: { code?: unknown; message?: unknown; details?: Record<string, unknown> } } | undefined)?.error;
  if (typeof e?.code === "string") return new ApiError(res.status, e.code, String(e.message ?? e.code), e.details);
  return new ApiError(res.status, `HTTP_${res.status}`, `${res.status} ${res.statusText}`);
}

/** A failed fetch as ApiError NETWORK (aborts and timeouts stay what they are). */
export function unreachable(baseUrl: string, err: unknown): never {
  if (!(err instanceof TypeError)) throw err;
  const cause = (err.cause as Error | undefined)?.message ?? err.message;
  throw new ApiError(0, "NETWORK", `could not reach ${baseUrl}: ${cause}`, undefined, { cause: err });
}
