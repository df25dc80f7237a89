import { BlobKeys, Transcript, TRANSCRIPT_FORMATS } from "@mp4t/contracts";
import { AppError } from "@mp4t/platform";
import { getJson, type BlobStore, type JobStore } from "@mp4t/stores";
import { renderTranscript } from "@mp4t/transcript";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { bearer, errors, JobParams } from "../schemas/api.schema.ts";

const EXTENSIONS = { json: "json", txt: "txt", srt: "srt", vtt: "vtt", md: "md" } as const;

/** GET /v1/jobs/:id/transcript?format=json|txt|srt|vtt|md, once the job has completed. */
export const transcriptRoutes: FastifyPluginAsyncZod<{ jobs: JobStore; blobs: BlobStore }> = async (app, { jobs, blobs }) => {
  app.addHook("onRequest", app.authenticate);

  app.get("/:id/transcript", {
    schema: {
      tags: ["jobs"],
      summary: "The transcript of a completed job",
      description: "JSON: {language, durationSec, text, speakers[], segments[{start, end, text, speaker?, words[]}], enhancements}. " +
        "txt, srt, vtt and md are rendered from it.",
      security: bearer,
      params: JobParams,
      querystring: z.object({ format: z.enum(TRANSCRIPT_FORMATS).default("json") }),
      produces: ["application/json", "text/plain", "application/x-subrip", "text/vtt", "text/markdown"],
      response: { 200: z.string().describe("The rendered transcript."), ...errors(400, 401, 404, 409, 503) },
    },
  }, async (req, reply) => {
    const job = await jobs.getJob({ userId: req.user.sub, jobId: req.params.id });
    if (!job) throw new AppError("NOT_FOUND", "no such job");
    if (job.status !== "completed") throw new AppError("TRANSCRIPT_NOT_READY", `the job is ${job.status}; the transcript exists once it has completed`);
    const transcript = await getJson(blobs, BlobKeys.transcript(job.id), Transcript);
    if (!transcript) throw new AppError("NOT_FOUND", "the transcript of this job has been deleted");
    const { format } = req.query;
    const { body, contentType } = renderTranscript(transcript, format);
    const name = `${job.fileName.replace(/\.[^.]+$/, "") || "transcript"}.${EXTENSIONS[format]}`;
    const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
    return reply
      .type(contentType)
      .header("content-disposition", `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .send(body);
  });
};
