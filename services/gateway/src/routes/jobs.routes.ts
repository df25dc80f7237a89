import fastifyMultipart from "@fastify/multipart";
import { BlobKeys, isTerminal, messageId, type Job, type JobOptions, type JobQueue } from "@mp4t/contracts";
import { AppError, newId } from "@mp4t/contracts";
import type { Publisher } from "@mp4t/messaging";
import type { BlobStore, JobStore } from "@mp4t/stores";
import type { JobLifecycle } from "@mp4t/pipeline";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { UploadForm } from "../schemas/content.schema.ts";
import { receiveUpload } from "../jobs/receive-upload.ts";
import type { DiskGuard } from "../uploads/disk-guard.ts";
import { submitJob } from "../jobs/submit-job.ts";
import type { UploadQuota } from "../limits/user-quotas.ts";
import { bearer, errors, JobPage, JobParams, JobView, ListJobsQuery, toJobView } from "../schemas/api.schema.ts";

export type JobsRoutesOptions = {
  jobs: JobStore;
  blobs: BlobStore;
  publisher: Publisher;
  lifecycle: JobLifecycle;
  maxUploadBytes: number;
  /** Bytes of stored media per user; 0: no quota. */
  storageQuotaBytes: number;
  /** The per-user active-job cap and storage quota (shared with the resumable uploads). */
  quota: UploadQuota;
  /** Called once a DELETE is accepted (the search index forgets the job at once). */
  onDeleted?: (job: Job) => Promise<void>;
  /** Queue position and estimates of a job that has not ended (messaging `MessagingPorts.estimator`). */
  queue?: (job: Job) => Promise<JobQueue | undefined>;
  /** Refuses options the deployment cannot serve (OPTION_UNSUPPORTED), before the file is stored when they come first. */
  checkOptions?: (options: JobOptions) => Promise<void>;
  /** Refuses uploads while the disk is nearly full (STORAGE_FULL), before a byte is read. */
  diskGuard?: DiskGuard;
};

/** More than the multipart body around the file can take: its fields (64 KiB each, at most 8) and part headers. */
const MULTIPART_OVERHEAD_BYTES = 1024 * 1024;

/** POST/GET /v1/jobs, GET/DELETE /v1/jobs/:id. Bearer token required; users see only their own jobs. */
export const jobsRoutes: FastifyPluginAsyncZod<JobsRoutesOptions> = async (app, opts) => {
  const { jobs, blobs, publisher, lifecycle } = opts;
  if (!(opts.maxUploadBytes > 0)) throw new Error("jobs routes: maxUploadBytes must be positive");

  // Only multipart bodies here: anything else is 415 before a byte of it is parsed.
  app.removeAllContentTypeParsers();
  await app.register(fastifyMultipart, { throwFileSizeLimit: false });
  app.addHook("onRequest", app.authenticate);

  app.post(
    "",
    {
      schema: {
        operationId: "createJob",
        tags: ["jobs"],
        summary: "Upload media and queue it for transcription",
        description:
          "multipart/form-data: an optional `options` field holding the job options as JSON text and a `file` part " +
          "(streamed, at most MAX_UPLOAD_BYTES). Send `options` first: options this deployment cannot serve " +
          "(GET /v1/capabilities) are then refused with 400 OPTION_UNSUPPORTED before a byte of the file is stored. Options sent " +
          "after the file are still checked, once the file has arrived, and the stored file is removed when they are refused. " +
          "202: the job, queued; follow it at /v1/jobs/{id}/events.",
        multipart: UploadForm,
        security: bearer,
        response: {
          202: JobView,
          ...errors(
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "OPTION_UNSUPPORTED",
            "FILE_MISSING",
            "FILE_EMPTY",
            "UNAUTHORIZED",
            "FILE_TOO_LARGE",
            "STORAGE_QUOTA_EXCEEDED",
            "UNSUPPORTED_CONTENT_TYPE",
            "REQUEST_TIMEOUT",
            "TOO_MANY_ACTIVE_JOBS",
            "RATE_LIMITED",
            "STORAGE_FULL",
            "SERVICE_UNAVAILABLE",
          ),
        },
      },
    },
    async (req, reply) => {
      const id = newId();
      const userId = req.user.sub;
      const key = BlobKeys.upload(id);
      const allowance = await opts.quota.allowance(userId);
      // After the user's own limits (a file too large is the client's 413, never our 503): a body
      // declared well past the limit cannot hold a file within it, and is refused before it is read.
      const declared = Number(req.headers["content-length"]) || 0;
      if (declared > allowance.maxBytes + MULTIPART_OVERHEAD_BYTES) {
        throw allowance.byQuota
          ? new AppError("STORAGE_QUOTA_EXCEEDED", `the upload would pass your ${opts.storageQuotaBytes}-byte storage quota`)
          : new AppError("FILE_TOO_LARGE", `the file is larger than the ${opts.maxUploadBytes}-byte limit`);
      }
      // The disk is asked when the file part starts: a body that is not multipart, or options
      // refused before the file, get their own 4xx first.
      let release: (wrote?: { blobs: number }) => void = () => undefined;
      let wrote = 0; // the stored upload's bytes; a failed one leaves none (its blob goes with it)
      const guard = opts.diskGuard;
      const beforeFile = guard ? async () => void (release = await guard.admit({ blobs: Math.min(declared, allowance.maxBytes) })) : undefined;
      try {
        const upload = await receiveUpload(
          req,
          { blobs, maxBytes: allowance.maxBytes, ...(opts.checkOptions ? { checkOptions: opts.checkOptions } : {}), ...(beforeFile ? { beforeFile } : {}) },
          key,
        ).catch((err: unknown) => {
          if (allowance.byQuota && err instanceof AppError && err.code === "FILE_TOO_LARGE") {
            throw new AppError("STORAGE_QUOTA_EXCEEDED", `the upload would pass your ${opts.storageQuotaBytes}-byte storage quota`);
          }
          throw err;
        });
        const job = await submitJob({ jobs, blobs, publisher, lifecycle }, { id, userId, key }, upload, req.log);
        wrote = upload.sizeBytes;
        opts.quota.created(userId, upload.sizeBytes);
        return reply.code(202).send(toJobView(job));
      } finally {
        release({ blobs: wrote });
      }
    },
  );

  app.get(
    "",
    {
      schema: {
        operationId: "listJobs",
        tags: ["jobs"],
        summary: "List your jobs, newest first",
        security: bearer,
        querystring: ListJobsQuery,
        response: { 200: JobPage, ...errors("VALIDATION_FAILED", "UNAUTHORIZED", "SERVICE_UNAVAILABLE") },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await jobs.listJobs(req.user.sub, {
        limit: q.limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.q ? { q: q.q } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      return { items: page.items.map(toJobView), next: page.next };
    },
  );

  app.get(
    "/:id",
    {
      schema: {
        operationId: "getJob",
        tags: ["jobs"],
        summary: "One job: status, progress, stages, media, and its place in the queue while not ended",
        security: bearer,
        params: JobParams,
        response: { 200: JobView, ...errors("VALIDATION_FAILED", "UNAUTHORIZED", "NOT_FOUND", "SERVICE_UNAVAILABLE") },
      },
    },
    async (req) => {
      const job = await jobs.getJob({ userId: req.user.sub, jobId: req.params.id });
      if (!job) throw new AppError("NOT_FOUND", "no such job");
      if (!opts.queue) return toJobView(job);
      // The estimate is a courtesy: a failure to compute it never fails the read. An ended job gets
      // none, but the estimator learns the transcriber's pace from it.
      const queue = await opts.queue(job).catch((err: unknown) => void req.log.warn({ err, jobId: job.id }, "queue estimate failed"));
      return queue ? { ...toJobView(job), queue } : toJobView(job);
    },
  );

  app.delete(
    "/:id",
    {
      schema: {
        operationId: "deleteJob",
        tags: ["jobs"],
        summary: "Cancel the job if it is running, then delete its media, results and record",
        security: bearer,
        params: JobParams,
        response: {
          204: z.null().describe("Deleted (asynchronously, by the janitor)."),
          ...errors("VALIDATION_FAILED", "UNAUTHORIZED", "NOT_FOUND", "SERVICE_UNAVAILABLE", "UNSUPPORTED_CONTENT_TYPE"),
        },
      },
    },
    async (req, reply) => {
      const ref = { userId: req.user.sub, jobId: req.params.id };
      const job = await jobs.getJob(ref);
      if (!job) throw new AppError("NOT_FOUND", "no such job");
      // The record as the cancel left it: a job that completed meanwhile is completed (and indexed).
      const last = isTerminal(job.status) ? job : ((await lifecycle.cancel(ref)) ?? job);
      const cleanup = { v: 1 as const, ...ref, reason: "deleted" as const };
      await publisher.command("cleanup", "batch", cleanup, messageId("cleanup", cleanup));
      await opts.onDeleted?.(last);
      return reply.code(204).send(null);
    },
  );
};
