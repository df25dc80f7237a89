import { ERROR_CODES, Job, JobId, JobQueue, JobStatus, type ErrorCode } from "@mp4t/contracts";
import { z } from "zod";

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      /** Particulars for programs, e.g. OPTION_UNSUPPORTED: `{option, value, available}`. */
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .describe("Every error response: a stable code from the contracts and a human-readable message.");

/**
 * What clients see of a job: everything but the owner and the internal chunk plan; one job read
 * by id also has `queue` while it has not ended (listings leave it out: it costs a few requests).
 */
export const JobView = Job.omit({ userId: true, chunks: true }).extend({ queue: JobQueue.optional() });
export type JobView = z.infer<typeof JobView>;
export const toJobView = (job: Job): JobView => {
  const { userId: _userId, chunks: _chunks, ...view } = job;
  return view;
};

export const JobParams = z.object({ id: JobId });

export const ListJobsQuery = z.object({
  status: JobStatus.optional(),
  q: z.string().max(200).optional().describe("Case-insensitive match on the file name."),
  cursor: z.string().regex(/^[0-9a-z]{26}$/).optional().describe("`next` from the previous page."),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const JobPage = z.object({ items: z.array(JobView), next: z.string().nullable() });

/** An email, compared and stored trimmed and in lower case. */
export const Email = z.email().max(254).transform((e) => e.trim().toLowerCase());

export const bearer = [{ bearerAuth: [] }];

/** Error responses a route documents; every one has the ErrorBody shape. */
export const errors = <S extends number>(...statuses: S[]) =>
  Object.fromEntries(statuses.map((s) => [s, ErrorBody])) as Record<S, typeof ErrorBody>;
