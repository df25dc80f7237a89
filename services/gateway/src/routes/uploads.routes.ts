import { Readable } from "node:stream";
import { BlobKeys, type JobOptions } from "@mp4t/contracts";
import { AppError, newId } from "@mp4t/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { cleanFileName, parseJobOptions } from "../jobs/job-options.ts";
import { submitJob, type SubmitDeps } from "../jobs/submit-job.ts";
import type { QuotaLimits, UploadQuota } from "../limits/user-quotas.ts";
import { bearer, errors } from "../schemas/api.schema.ts";
import type { DiskGuard } from "../uploads/disk-guard.ts";
import type { UploadRecord, UploadScratch } from "../uploads/upload-scratch.ts";

export type UploadsRoutesOptions = SubmitDeps & {
  scratch: UploadScratch;
  limits: QuotaLimits;
  /** The per-user active-job cap and storage quota (shared with POST /v1/jobs). */
  quota: UploadQuota;
  sweepEveryMs: number;
  /** What this deployment serves (GET /v1/capabilities): refused options answer 400 before a byte is kept. */
  checkOptions?: (options: JobOptions) => Promise<void>;
  /** Refuses new bytes while the scratch area's or the blob store's disk is nearly full (STORAGE_FULL). */
  diskGuard?: DiskGuard;
};

const TUS_VERSION = "1.0.0";
const OCTETS = "application/offset+octet-stream";
const UploadParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{24}$/, "an upload id is 24 base64url characters") });
const TusHeaders = z.object({ "tus-resumable": z.string().max(16) }).loose();
const none = z.null();

/** `Upload-Metadata`: comma-separated `key base64value` pairs (tus 1.0.0 creation extension). */
export function parseUploadMetadata(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  if (header.length > 16 * 1024) throw new AppError("VALIDATION_FAILED", "Upload-Metadata is longer than 16 KiB");
  for (const pair of header.split(",")) {
    const [key, value = "", ...rest] = pair.trim().split(" ");
    if (!key || rest.length > 0 || out.has(key))
      throw new AppError("VALIDATION_FAILED", "Upload-Metadata must be comma-separated `key base64value` pairs with distinct keys");
    out.set(key, Buffer.from(value, "base64").toString("utf8"));
  }
  return out;
}

/**
 * Resumable uploads, tus 1.0.0 (core, creation, termination, expiration): POST makes an upload,
 * PATCH appends at the offset, HEAD tells the offset after a broken connection, DELETE abandons
 * it. The last byte creates the job exactly as POST /v1/jobs does (`submitJob`) and the answer
 * names it in `Mp4t-Job-Id`. Uploads are private: another user's id answers 404.
 */
export const uploadsRoutes: FastifyPluginAsyncZod<UploadsRoutesOptions> = async (app, opts) => {
  const { scratch, limits } = opts;
  app.removeAllContentTypeParsers();
  // The PATCH body goes to the scratch file as a stream, never buffered.
  app.addContentTypeParser(OCTETS, (_req, payload, done) => done(null, payload));
  app.addHook("onRequest", async (req) => {
    if (req.method === "OPTIONS") return;
    await app.authenticate(req);
    if (req.headers["tus-resumable"] !== TUS_VERSION) {
      throw new AppError("TUS_VERSION_UNSUPPORTED", `send Tus-Resumable: ${TUS_VERSION}`);
    }
  });
  app.addHook("onSend", async (_req, reply) => {
    reply.header("tus-resumable", TUS_VERSION).header("cache-control", "no-store");
  });
  // Abandoned uploads go at expiry; the timer never holds the process open.
  const sweep = () => scratch.sweep().catch((err: unknown) => app.log.warn({ err }, "resumable uploads: sweep failed"));
  await sweep();
  const sweeper = setInterval(() => void sweep(), opts.sweepEveryMs).unref();
  app.addHook("onClose", async () => clearInterval(sweeper));

  app.options(
    "",
    {
      schema: {
        operationId: "uploadsOptions",
        tags: ["uploads"],
        summary: "tus discovery: version, extensions and the largest upload",
        response: { 204: none, ...errors("UNSUPPORTED_CONTENT_TYPE") },
      },
    },
    async (_req, reply) =>
      reply
        .code(204)
        .headers({
          "tus-version": TUS_VERSION,
          "tus-extension": "creation,termination,expiration",
          "tus-max-size": String(limits.maxUploadBytes),
        })
        .send(null),
  );

  const mine = async (userId: string, id: string) => {
    const found = await scratch.get(userId, id);
    if (!found) throw new AppError("NOT_FOUND", "no such upload (or it expired)");
    return found;
  };
  const uploadHeaders = (r: UploadRecord, offset: number) => ({
    "upload-offset": String(offset),
    "upload-length": String(r.length),
    "upload-expires": new Date(r.expiresAt).toUTCString(),
    ...(r.jobId ? { "mp4t-job-id": r.jobId } : {}),
  });

  app.post(
    "",
    {
      schema: {
        operationId: "createUpload",
        tags: ["uploads"],
        summary: "Create a resumable upload (tus creation)",
        security: bearer,
        description:
          "Headers: `Tus-Resumable: 1.0.0`, `Upload-Length` (bytes, at most MAX_UPLOAD_BYTES), `Upload-Metadata` with `filename` " +
          "(required) and `options` (JSON text of the POST /v1/jobs options), each base64. 201 with `Location`. The same limits as POST /v1/jobs apply here. " +
          "Then PATCH the bytes to `Location`; `HEAD /v1/uploads/{id}` (tus; not listed here) answers `Upload-Offset` to resume from.",
        headers: TusHeaders.extend({
          "upload-length": z.coerce.number().int().min(1),
          "upload-metadata": z
            .string()
            .max(16 * 1024)
            .optional(),
        }),
        response: {
          201: none,
          ...errors(
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "OPTION_UNSUPPORTED",
            "UNAUTHORIZED",
            "INSUFFICIENT_SCOPE",
            "TUS_VERSION_UNSUPPORTED",
            "FILE_TOO_LARGE",
            "STORAGE_QUOTA_EXCEEDED",
            "TOO_MANY_ACTIVE_JOBS",
            "TOO_MANY_UPLOADS",
            "RATE_LIMITED",
            "UPLOAD_SCRATCH_FULL",
            "STORAGE_FULL",
            "SERVICE_UNAVAILABLE",
          ),
        },
      },
    },
    async (req, reply) => {
      const meta = parseUploadMetadata(req.headers["upload-metadata"]);
      const fileName = meta.get("filename");
      if (!fileName) throw new AppError("VALIDATION_FAILED", "Upload-Metadata must hold a filename");
      const options = parseJobOptions(meta.get("options"));
      await opts.checkOptions?.(options);
      const userId = req.user.sub;
      const allowance = await opts.quota.allowance(userId);
      const length = req.headers["upload-length"];
      if (length > allowance.maxBytes) {
        throw allowance.byQuota
          ? new AppError("STORAGE_QUOTA_EXCEEDED", `the upload would pass your ${limits.storageQuotaBytes}-byte storage quota`)
          : new AppError("FILE_TOO_LARGE", `the file is larger than the ${limits.maxUploadBytes}-byte limit`);
      }
      // The bytes wait in scratch, then are copied whole to the blob store: room for both (or twice on one disk).
      (await opts.diskGuard?.admit({ scratch: length, blobs: length }))?.({}); // a check: nothing written yet
      const r = await scratch.create({ userId, length, fileName: cleanFileName(fileName), options });
      return reply
        .code(201)
        .headers({ location: `/v1/uploads/${r.id}`, "upload-expires": new Date(r.expiresAt).toUTCString() })
        .send(null);
    },
  );

  app.head(
    "/:id",
    {
      schema: {
        operationId: "getUploadOffset",
        tags: ["uploads"],
        summary: "The upload's offset (resume from here); Mp4t-Job-Id once finished",
        security: bearer,
        params: UploadParams,
        response: { 200: none, ...errors(400, 401, 404) },
      },
    },
    async (req, reply) => {
      const { record, offset } = await mine(req.user.sub, req.params.id);
      return reply.code(200).headers(uploadHeaders(record, offset)).send(null);
    },
  );

  app.patch(
    "/:id",
    {
      schema: {
        operationId: "appendUpload",
        tags: ["uploads"],
        summary: "Append bytes at Upload-Offset; the last byte creates the job (Mp4t-Job-Id)",
        security: bearer,
        params: UploadParams,
        description:
          "After a broken connection, `HEAD /v1/uploads/{id}` (tus; not listed here) answers `Upload-Offset`, and `Mp4t-Job-Id` once finished: resume from that offset.",
        consumes: [OCTETS],
        headers: TusHeaders.extend({ "upload-offset": z.coerce.number().int().min(0), "content-type": z.string().startsWith(OCTETS) }),
        response: {
          204: none,
          ...errors(
            "VALIDATION_FAILED",
            "UNAUTHORIZED",
            "INSUFFICIENT_SCOPE",
            "NOT_FOUND",
            "REQUEST_TIMEOUT",
            "UPLOAD_OFFSET_MISMATCH",
            "UPLOAD_LOCKED",
            "TUS_VERSION_UNSUPPORTED",
            "FILE_TOO_LARGE",
            "STORAGE_QUOTA_EXCEEDED",
            "UNSUPPORTED_CONTENT_TYPE",
            "TOO_MANY_ACTIVE_JOBS",
            "RATE_LIMITED",
            "UPLOAD_SCRATCH_FULL",
            "STORAGE_FULL",
            "SERVICE_UNAVAILABLE",
          ),
        },
      },
    },
    async (req, reply) => {
      const { record } = await mine(req.user.sub, req.params.id);
      if (record.jobId) throw new AppError("UPLOAD_OFFSET_MISMATCH", "the upload is complete");
      const body = (req.body as Readable | undefined) ?? Readable.from([]);
      // One writer at a time, the job's creation included, so two last PATCHes cannot make two jobs.
      const offset = await scratch.locked(record.id, async () => {
        // A wrong offset is the client's 409 whatever the disk; then what this upload still writes:
        // the rest of its bytes to scratch, then all of it to the blob store.
        const current = (await scratch.get(record.userId, record.id))?.offset ?? 0;
        if (req.headers["upload-offset"] !== current) {
          throw new AppError("UPLOAD_OFFSET_MISMATCH", `Upload-Offset is ${req.headers["upload-offset"]} but the server has ${current} bytes`);
        }
        const rest = record.length - current;
        const release = (await opts.diskGuard?.admit({ scratch: rest, blobs: record.length })) ?? (() => undefined);
        let wrote: { scratch: number; blobs: number } | undefined; // unknown after a failure: all it was admitted for
        try {
          const at = await scratch.append(record, req.headers["upload-offset"], body);
          wrote = { scratch: at - current, blobs: 0 };
          if (at === record.length) {
            record.jobId = await finish(record, req.log);
            wrote.blobs = record.length;
          }
          return at;
        } finally {
          release(wrote);
        }
      });
      return reply.code(204).headers(uploadHeaders(record, offset)).send(null);
    },
  );

  app.delete(
    "/:id",
    {
      schema: {
        operationId: "deleteUpload",
        tags: ["uploads"],
        summary: "Abandon an upload (tus termination); a finished upload's job stays",
        security: bearer,
        params: UploadParams,
        response: {
          204: none,
          ...errors(
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "UNAUTHORIZED",
            "INSUFFICIENT_SCOPE",
            "NOT_FOUND",
            "TUS_VERSION_UNSUPPORTED",
            "UNSUPPORTED_CONTENT_TYPE",
            "SERVICE_UNAVAILABLE",
          ),
        },
      },
    },
    async (req, reply) => {
      const { record } = await mine(req.user.sub, req.params.id);
      await scratch.remove(record.id);
      return reply.code(204).send(null);
    },
  );

  /** Moves the finished bytes to the blob store and creates the job there, as POST /v1/jobs would. */
  const finish = async (record: UploadRecord, log: import("fastify").FastifyBaseLogger) => {
    const id = newId();
    const key = BlobKeys.upload(id);
    const stored = await opts.blobs.put(key, Readable.toWeb(scratch.read(record)) as ReadableStream<Uint8Array>).catch((err: unknown) => {
      throw new AppError("SERVICE_UNAVAILABLE", "could not store the upload; retry the last PATCH later", { cause: err });
    });
    await submitJob(opts, { id, userId: record.userId, key }, { fileName: record.fileName, sizeBytes: stored.size, options: record.options }, log);
    opts.quota.created(record.userId, stored.size);
    // The job exists now: a record that cannot be marked (a full disk) goes, so a retried last PATCH cannot make a second job.
    await scratch.finish(record, id).catch(async (err: unknown) => {
      log.error({ err, jobId: id }, "resumable upload: the job was created but its record could not be marked; removing the upload");
      await scratch.remove(record.id).catch(() => undefined);
    });
    return id;
  };
};
