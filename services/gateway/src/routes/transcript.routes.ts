import { TRANSCRIPT_FORMATS } from "@mp4t/contracts";
import { AppError } from "@mp4t/contracts";
import { currentVersion, readTranscript, type BlobStore, type JobStore } from "@mp4t/stores";
import { renderTranscript } from "@mp4t/transcript";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { bearer, errors, JobParams } from "../schemas/api.schema.ts";
import { TranscriptResponse } from "../schemas/content.schema.ts";
import { transcriptEtag } from "../transcripts/etag.ts";

const EXTENSIONS = { json: "json", txt: "txt", srt: "srt", vtt: "vtt", md: "md" } as const;

/** GET /v1/jobs/:id/transcript?format=json|txt|srt|vtt|md&version=N, once the job has completed. */
export const transcriptRoutes: FastifyPluginAsyncZod<{ jobs: JobStore; blobs: BlobStore }> = async (app, { jobs, blobs }) => {
  app.addHook("onRequest", app.authenticate);

  app.get(
    "/:id/transcript",
    {
      schema: {
        operationId: "getTranscript",
        tags: ["jobs"],
        summary: "The transcript of a completed job",
        description:
          "JSON: {language, durationSec, text, speakers[], segments[{start, end, text, speaker?, words[]}], enhancements}. " +
          "txt, srt, vtt and md are rendered from it. The current version unless `version` names another " +
          "(1 is the engine's original); the ETag names the version, for If-Match on PATCH and If-None-Match here (304).",
        security: bearer,
        params: JobParams,
        querystring: z.object({
          format: z.enum(TRANSCRIPT_FORMATS).default("json"),
          version: z.coerce.number().int().min(1).max(1_000_000).optional(),
        }),
        response: {
          200: TranscriptResponse,
          304: z.null().describe("Not modified (If-None-Match)."),
          ...errors("VALIDATION_FAILED", "UNAUTHORIZED", "NOT_FOUND", "TRANSCRIPT_NOT_READY", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req, reply) => {
      const job = await jobs.getJob({ userId: req.user.sub, jobId: req.params.id });
      if (!job) throw new AppError("NOT_FOUND", "no such job");
      if (job.status !== "completed") throw new AppError("TRANSCRIPT_NOT_READY", `the job is ${job.status}; the transcript exists once it has completed`);
      const { format } = req.query;
      const version = req.query.version ?? currentVersion(job);
      if (version > currentVersion(job))
        throw new AppError("NOT_FOUND", `the transcript has no version ${version} (the current one is ${currentVersion(job)})`);
      const etag = transcriptEtag(version, format);
      if (req.headers["if-none-match"]?.split(",").some((t) => t.trim().replace(/^W\//, "") === etag)) {
        return reply.code(304).header("etag", etag).send(null);
      }
      const transcript = await readTranscript(blobs, job, version);
      if (!transcript) throw new AppError("NOT_FOUND", "the transcript of this job has been deleted");
      const { body, contentType } = renderTranscript(transcript, format);
      const name = `${job.fileName.replace(/\.[^.]+$/, "") || "transcript"}.${EXTENSIONS[format]}`;
      const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
      return reply
        .type(contentType)
        .header("etag", etag)
        .header("content-disposition", `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`)
        .send(body);
    },
  );
};
