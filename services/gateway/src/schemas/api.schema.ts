import { ERROR_CODES, Job, JobId, JobQueue, JobStatus, type ErrorCode } from "@mp4t/contracts";
import { z } from "zod";
import { HTTP_STATUS } from "../errors/http-status.ts";

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      /** Particulars for programs, e.g. OPTION_UNSUPPORTED: `{option, value, available}`. */
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .describe("Every error response: a stable code from the contracts and a human-readable message.")
  .meta({ id: "Error" });

/**
 * What clients see of a job: everything but the owner and the internal chunk plan; one job read
 * by id also has `queue` while it has not ended (listings leave it out: it costs a few requests).
 */
export const JobView = Job.omit({ userId: true, chunks: true }).extend({ queue: JobQueue.optional() }).meta({ id: "Job" });
export type JobView = z.infer<typeof JobView>;
export const toJobView = (job: Job): JobView => {
  const { userId: _userId, chunks: _chunks, ...view } = job;
  return view;
};

export const JobParams = z.object({ id: JobId });

export const ListJobsQuery = z.object({
  status: JobStatus.optional(),
  q: z.string().max(200).optional().describe("Case-insensitive match on the file name."),
  cursor: z
    .string()
    .regex(/^[0-9a-z]{26}$/)
    .optional()
    .describe("`next` from the previous page."),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const JobPage = z.object({ items: z.array(JobView), next: z.string().nullable() }).meta({ id: "JobPage" });

/** An email, compared and stored trimmed and in lower case. */
export const Email = z
  .email()
  .max(254)
  .transform((e) => e.trim().toLowerCase());

/** A signed-in session's token, or an API key (`mp4t_...`): routes any integration may call. */
export const bearer: Record<string, string[]>[] = [{ bearerAuth: [] }, { apiKey: [] }];
/** A signed-in session's token only: keys, passwords, sessions and admin routes. */
export const sessionOnly: Record<string, string[]>[] = [{ bearerAuth: [] }];

/** Request error codes by status, for routes that document a status rather than their codes (job failure codes are 422/5xx, and CANCELED). */
const requestCodesOf = (status: number) => (Object.keys(HTTP_STATUS) as ErrorCode[]).filter((c) => HTTP_STATUS[c] === status && c !== "CANCELED");

const errorResponse = (codes: ErrorCode[]) =>
  z
    .object({
      error: z.object({
        // The document lists the route's codes; the serializer accepts any code, so a code a route
        // forgot to document reaches the client as it is rather than as a 500.
        code: ErrorBody.shape.error.shape.code.meta({ enum: codes }),
        message: z.string(),
        details: ErrorBody.shape.error.shape.details,
      }),
    })
    .describe(codes.map((c) => `\`${c}\`: ${ERROR_CODES[c]}`).join(" "))
    .meta({ "x-examples": Object.fromEntries(codes.map((c) => [c, { summary: c, value: { error: { code: c, message: ERROR_CODES[c] } } }])) });

/**
 * The error responses a route documents, named by the codes it can answer with
 * (`errors("VALIDATION_FAILED", "UNAUTHORIZED", "NOT_FOUND")`): one response per HTTP status, its
 * `code` limited to those codes, with an example of each. A bare status (400) stands for every
 * request code with that status; name the codes instead where you can.
 */
export function errors<I extends ErrorCode | number>(...items: I[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const item of items) {
    for (const code of typeof item === "number" ? requestCodesOf(item) : [item as ErrorCode]) {
      const status = HTTP_STATUS[code];
      if (!byStatus.get(status)?.includes(code)) byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
    }
  }
  return Object.fromEntries([...byStatus].map(([status, codes]) => [status, errorResponse(codes)])) as Record<
    I extends ErrorCode ? (typeof HTTP_STATUS)[I] : I,
    ReturnType<typeof errorResponse>
  >;
}

/** The codes of one `errors()` response, read back from its schema (undefined for any other schema). */
export function documentedCodes(response: unknown): ErrorCode[] | undefined {
  const code = (response as { shape?: { error?: { shape?: { code?: z.ZodType } } } } | undefined)?.shape?.error?.shape?.code;
  const codes = code && (z.globalRegistry.get(code) as { enum?: ErrorCode[] } | undefined)?.enum;
  return Array.isArray(codes) ? codes : undefined;
}
