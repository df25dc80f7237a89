import { EnhanceOption, MessageIds, TranscriptVersionInfo, type Job, type Transcript } from "@mp4t/contracts";
import { AppError, newId } from "@mp4t/contracts";
import type { Publisher } from "@mp4t/messaging";
import { commitVersion, currentVersion, readTranscript, versionsOf, type BlobStore, type JobStore } from "@mp4t/stores";
import type { JobLifecycle } from "@mp4t/pipeline";
import { applySegmentEdits, renameSpeakers, TranscriptEditError } from "@mp4t/transcript";
import type { FastifyBaseLogger } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { bearer, errors, JobParams } from "../schemas/api.schema.ts";
import { checkIfMatch, transcriptEtag } from "../transcripts/etag.ts";
import type { SearchIndexer } from "../transcripts/search-indexer.ts";

export type TranscriptEditOptions = {
  jobs: JobStore;
  blobs: BlobStore;
  lifecycle: JobLifecycle;
  publisher: Publisher;
  indexer: SearchIndexer;
  /** Refuses enhancements the deployment cannot make (OPTION_UNSUPPORTED). */
  checkEnhancements?: (kinds: EnhanceOptionValue[]) => Promise<void>;
};
type EnhanceOptionValue = z.infer<typeof EnhanceOption>;

const IfMatch = z.object({ "if-match": z.string().max(512).optional() });
const Change = z
  .object({
    jobId: z.string(),
    version: z.number().int(),
    kind: TranscriptVersionInfo.shape.kind,
    speakers: z.array(z.string()),
  })
  .describe("The version the change made; its ETag is in the ETag header.");
const SegmentPatch = z
  .object({
    index: z.number().int().min(0).max(1_000_000).describe("Index into the current version's segments."),
    text: z.string().min(1).max(5000),
    speaker: z.string().min(1).max(100).optional(),
    start: z.number().min(0).optional(),
    end: z.number().min(0).optional(),
  })
  .strict();
/** Speaker renames: a label of the current version to its new name; two labels to one name merge them. */
const SpeakerNames = z
  .record(z.string().min(1).max(100), z.string().max(100))
  .refine((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 50, "name 1-50 speakers");

/** A change in the transcript package's terms is a client error. */
function edit(fn: () => Transcript): Transcript {
  try {
    return fn();
  } catch (err) {
    if (err instanceof TranscriptEditError) throw new AppError("VALIDATION_FAILED", err.message);
    throw err;
  }
}

/**
 * Corrections with history: every change is a new transcript version (version 1, the engine's,
 * is never touched), made on the version If-Match names and refused (412) if another came first.
 */
export const transcriptEditRoutes: FastifyPluginAsyncZod<TranscriptEditOptions> = async (app, opts) => {
  const { jobs, blobs, lifecycle, publisher, indexer } = opts;
  app.addHook("onRequest", app.authenticate);

  const completedJob = async (userId: string, jobId: string): Promise<Job> => {
    const job = await jobs.getJob({ userId, jobId });
    if (!job) throw new AppError("NOT_FOUND", "no such job");
    if (job.status !== "completed") throw new AppError("TRANSCRIPT_NOT_READY", `the job is ${job.status}; its transcript exists once it has completed`);
    return job;
  };

  /** Index now (this host's search sees it at once), then tell the other gateways and SSE clients. */
  const announce = async (job: Job, version: number, log: FastifyBaseLogger) => {
    await indexer.index(job).catch((err: unknown) => log.warn({ err, jobId: job.id }, "search index not updated; the event will update it"));
    await lifecycle.transcriptUpdated(job, version).catch((err: unknown) => log.warn({ err, jobId: job.id }, "could not publish transcript.updated"));
  };

  /**
   * Reads the current version, applies `change`, saves the next version. With If-Match the base
   * must be the current version (412 otherwise); without it (where allowed) a collision with a
   * concurrent change is retried on the newer version.
   */
  const changeTranscript = async (
    req: { user: { sub: string }; params: { id: string }; headers: { "if-match"?: string | undefined }; log: FastifyBaseLogger },
    kind: "edit" | "speakers",
    required: boolean,
    change: (t: Transcript) => Transcript,
  ) => {
    for (let attempt = 0; ; attempt++) {
      const job = await completedJob(req.user.sub, req.params.id);
      const base = currentVersion(job);
      checkIfMatch(req.headers["if-match"], base, { required });
      const current = await readTranscript(blobs, job, base);
      if (!current) throw new AppError("NOT_FOUND", "the transcript of this job has been deleted");
      const next = edit(() => change(current));
      try {
        const saved = await commitVersion({ jobs, blobs }, { userId: job.userId, jobId: job.id }, { baseVersion: base, kind, transcript: next });
        await announce(saved.job, saved.version, req.log);
        return { saved, speakers: next.speakers };
      } catch (err) {
        const retry = err instanceof AppError && err.code === "TRANSCRIPT_CHANGED" && !req.headers["if-match"] && attempt < 3;
        if (!retry) throw err;
      }
    }
  };

  app.get(
    "/:id/transcript/versions",
    {
      schema: {
        operationId: "listTranscriptVersions",
        tags: ["transcripts"],
        summary: "The versions of a job's transcript, oldest first (1 is the engine's)",
        security: bearer,
        params: JobParams,
        response: {
          200: z.object({ current: z.number().int(), items: z.array(TranscriptVersionInfo.omit({ blob: true })) }),
          ...errors("VALIDATION_FAILED", "UNAUTHORIZED", "NOT_FOUND", "TRANSCRIPT_NOT_READY", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req, reply) => {
      const job = await completedJob(req.user.sub, req.params.id);
      const current = currentVersion(job);
      reply.header("etag", transcriptEtag(current));
      return { current, items: versionsOf(job).map(({ blob: _blob, ...v }) => v) };
    },
  );

  app.patch(
    "/:id/transcript",
    {
      schema: {
        operationId: "editTranscript",
        tags: ["transcripts"],
        summary: "Correct segments; saves a new transcript version",
        description:
          "Body {segments: [{index, text, speaker?, start?, end?}]} addressing the current version's segments. " +
          "Word timings inside an edited segment are re-aligned in proportion to word length; times must stay between the neighbouring segments. " +
          "If-Match with the transcript's ETag is required: missing 428 PRECONDITION_REQUIRED, stale 412 TRANSCRIPT_CHANGED.",
        security: bearer,
        params: JobParams,
        headers: IfMatch,
        body: z.object({ segments: z.array(SegmentPatch).min(1).max(500) }).strict(),
        response: {
          200: Change,
          ...errors(
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "UNAUTHORIZED",
            "NOT_FOUND",
            "TRANSCRIPT_NOT_READY",
            "VERSION_LIMIT",
            "TRANSCRIPT_CHANGED",
            "PRECONDITION_REQUIRED",
            "UNSUPPORTED_CONTENT_TYPE",
            "SERVICE_UNAVAILABLE",
          ),
        },
      },
    },
    async (req, reply) => {
      const { saved, speakers } = await changeTranscript(req, "edit", true, (t) => applySegmentEdits(t, req.body.segments));
      return reply.header("etag", transcriptEtag(saved.version)).send({ jobId: saved.job.id, version: saved.version, kind: "edit", speakers });
    },
  );

  app.put(
    "/:id/speakers",
    {
      schema: {
        operationId: "nameSpeakers",
        tags: ["transcripts"],
        summary: "Name speakers; saves a new transcript version",
        description:
          'Body {"Speaker 1": "Alice", ...}. Giving two labels one name merges them. Every format and search use the names. ' +
          "If-Match is optional here (renames apply to whatever is current); when sent, a stale one is 412.",
        security: bearer,
        params: JobParams,
        headers: IfMatch,
        body: SpeakerNames,
        response: {
          200: Change,
          ...errors(
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "UNAUTHORIZED",
            "NOT_FOUND",
            "TRANSCRIPT_NOT_READY",
            "VERSION_LIMIT",
            "TRANSCRIPT_CHANGED",
            "UNSUPPORTED_CONTENT_TYPE",
            "SERVICE_UNAVAILABLE",
          ),
        },
      },
    },
    async (req, reply) => {
      const { saved, speakers } = await changeTranscript(req, "speakers", false, (t) => renameSpeakers(t, req.body));
      return reply.header("etag", transcriptEtag(saved.version)).send({ jobId: saved.job.id, version: saved.version, kind: "speakers", speakers });
    },
  );

  app.post(
    "/:id/enhance",
    {
      schema: {
        operationId: "enhanceTranscript",
        tags: ["transcripts"],
        summary: "Re-run enhancements on the current transcript version (through the default lane); the result is a new version",
        description: 'Body {kinds: ["clean","summary","notes","translate:<lang>"]}. 202: queued; a transcript.updated event (SSE) announces the new version.',
        security: bearer,
        params: JobParams,
        body: z.object({ kinds: z.array(EnhanceOption).min(1).max(10) }).strict(),
        response: {
          202: z.object({ jobId: z.string(), baseVersion: z.number().int(), kinds: z.array(z.string()) }),
          ...errors(
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "OPTION_UNSUPPORTED",
            "UNAUTHORIZED",
            "NOT_FOUND",
            "TRANSCRIPT_NOT_READY",
            "VERSION_LIMIT",
            "UNSUPPORTED_CONTENT_TYPE",
            "SERVICE_UNAVAILABLE",
          ),
        },
      },
    },
    async (req, reply) => {
      const job = await completedJob(req.user.sub, req.params.id);
      const kinds = [...new Set(req.body.kinds)];
      await opts.checkEnhancements?.(kinds);
      await publisher
        .command("enhance", job.options.class, { v: 1, jobId: job.id, userId: job.userId, rerun: { kinds } }, MessageIds.rerun(job.id, newId()))
        .catch((err: unknown) => {
          throw err instanceof AppError ? err : new AppError("SERVICE_UNAVAILABLE", undefined, { cause: err });
        });
      return reply.code(202).send({ jobId: job.id, baseVersion: currentVersion(job), kinds });
    },
  );
};
