import { isTerminal } from "@mp4t/contracts";
import { AppError } from "@mp4t/contracts";
import type { Publisher } from "@mp4t/messaging";
import type { BlobStore, JobStore } from "@mp4t/stores";
import type { JobLifecycle } from "@mp4t/pipeline";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { planRetry } from "../jobs/retry-plan.ts";
import { bearer, errors, JobParams, JobView, toJobView } from "../schemas/api.schema.ts";

export type JobActionsOptions = { jobs: JobStore; blobs: BlobStore; publisher: Publisher; lifecycle: JobLifecycle };

/** POST /v1/jobs/:id/cancel and /retry: the owner stops a running job, or runs a failed one again. */
export const jobActionsRoutes: FastifyPluginAsyncZod<JobActionsOptions> = async (app, { jobs, blobs, publisher, lifecycle }) => {
  app.addHook("onRequest", app.authenticate);

  app.post(
    "/:id/cancel",
    {
      schema: {
        operationId: "cancelJob",
        tags: ["jobs"],
        security: bearer,
        params: JobParams,
        summary: "Cancel a queued or processing job; the record stays (status canceled), its temporary files go",
        response: {
          200: JobView,
          ...errors(
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "UNAUTHORIZED",
            "INSUFFICIENT_SCOPE",
            "NOT_FOUND",
            "JOB_ALREADY_ENDED",
            "UNSUPPORTED_CONTENT_TYPE",
            "SERVICE_UNAVAILABLE",
          ),
        },
      },
    },
    async (req) => {
      const ref = { userId: req.user.sub, jobId: req.params.id };
      const job = await jobs.getJob(ref);
      if (!job) throw new AppError("NOT_FOUND", "no such job");
      const ended = (status: string) => new AppError("JOB_ALREADY_ENDED", `the job has already ended (${status})`);
      if (isTerminal(job.status)) throw ended(job.status);
      const canceled = await lifecycle.cancel(ref);
      if (!canceled) throw new AppError("NOT_FOUND", "no such job");
      if (canceled.status !== "canceled") throw ended(canceled.status); // it completed or failed meanwhile
      await publisher.command("cleanup", "batch", { v: 1, ...ref, reason: "canceled" }, `cleanup:${ref.jobId}:canceled`);
      return toJobView(canceled);
    },
  );

  app.post(
    "/:id/retry",
    {
      schema: {
        operationId: "retryJob",
        tags: ["jobs"],
        security: bearer,
        params: JobParams,
        summary: "Run a failed job again: from the stage that failed when its inputs are still stored, else from the start",
        description: "Each retry counts one more in the job's `attempts`. 409 JOB_NOT_RETRYABLE unless the job failed and its upload is still stored.",
        response: {
          202: JobView,
          ...errors(
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "UNAUTHORIZED",
            "INSUFFICIENT_SCOPE",
            "NOT_FOUND",
            "JOB_NOT_RETRYABLE",
            "UNSUPPORTED_CONTENT_TYPE",
            "SERVICE_UNAVAILABLE",
          ),
        },
      },
    },
    async (req, reply) => {
      const ref = { userId: req.user.sub, jobId: req.params.id };
      const job = await jobs.getJob(ref);
      if (!job) throw new AppError("NOT_FOUND", "no such job");
      if (job.status !== "failed") throw new AppError("JOB_NOT_RETRYABLE", `only a failed job can be retried (this one is ${job.status})`);
      const plan = await planRetry(job, blobs);
      if (!plan) throw new AppError("JOB_NOT_RETRYABLE", "the upload is no longer stored; upload the file again");
      const reopened = await lifecycle.retry(ref, { restart: plan.restart });
      if (!reopened) throw new AppError("JOB_NOT_RETRYABLE", "the job is no longer failed");
      // Should this publish fail, the job is processing with no message: the janitor's reaper re-drives it.
      await publisher.command(plan.stage, job.options.class, { v: 1, ...ref }, `retry:${ref.jobId}:${reopened.attempts}`);
      req.log.info({ jobId: ref.jobId, from: plan.stage, restart: plan.restart, attempts: reopened.attempts }, "job retried");
      return reply.code(202).send(toJobView(reopened));
    },
  );
};
