import { Readable, Transform } from "node:stream";
import { BlobKeys, type Job } from "@mp4t/contracts";
import { AppError } from "@mp4t/contracts";
import type { BlobStore, JobStore } from "@mp4t/stores";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { tokenSigner } from "../auth/signed-token.ts";
import { bearer, errors, JobParams } from "../schemas/api.schema.ts";
import { MediaResponse } from "../schemas/content.schema.ts";

export type MediaRoutesOptions = { jobs: JobStore; blobs: BlobStore; secret: string; linkTtlSec: number };

/** What a browser needs to play the original: the container ingest found (ffmpeg's demuxer names) to a MIME type. */
export function mediaType(media: Job["media"]): string {
  const c = media?.container ?? "";
  const video = media?.hasVideo ?? false;
  if (c.includes("mp4") || c.includes("mov")) return video ? "video/mp4" : "audio/mp4";
  if (c.includes("matroska") || c.includes("webm")) return video ? "video/webm" : "audio/webm";
  const audio: Record<string, string> = { mp3: "audio/mpeg", wav: "audio/wav", ogg: "audio/ogg", flac: "audio/flac", aac: "audio/aac" };
  for (const [k, v] of Object.entries(audio)) if (c.includes(k)) return v;
  return "application/octet-stream";
}

/** One `bytes=a-b` range of a file of `size` bytes, or null for none; multiple ranges are not served. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) throw new AppError("RANGE_NOT_SATISFIABLE", "send one range: bytes=start-end");
  let start: number;
  let end: number;
  if (m[1] === "") [start, end] = [Math.max(0, size - Number(m[2])), size - 1];
  else [start, end] = [Number(m[1]), m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1)];
  if (start > end || start >= size) throw new AppError("RANGE_NOT_SATISFIABLE", `the media has ${size} bytes`);
  return { start, end };
}

/** Bytes [start, end] of `source`; reading stops once `end` has passed. */
function slice(source: Readable, start: number, end: number): Readable {
  let pos = 0;
  const out = new Transform({
    transform(chunk: Buffer, _enc, done) {
      const from = Math.max(0, start - pos);
      const to = Math.min(chunk.length, end + 1 - pos);
      pos += chunk.length;
      if (from < to) this.push(chunk.subarray(from, to));
      if (pos > end) {
        source.unpipe(out);
        source.destroy();
        this.push(null);
      }
      done();
    },
  });
  return source.pipe(out);
}

/**
 * The original media, to its owner, with Range support so players can seek. A `<video>` element
 * cannot send a bearer token, so POST .../media-link makes a URL that carries a signed link
 * bound to the user and the job, valid `linkTtlSec`; the GET takes either. The media is kept
 * until the janitor's retention (MEDIA_RETENTION_HOURS after the job ended): after that 410
 * MEDIA_GONE, and the transcript stays.
 */
export const mediaRoutes: FastifyPluginAsyncZod<MediaRoutesOptions> = async (app, opts) => {
  const links = tokenSigner(opts.secret, "med1");
  const ownerOf = async (req: FastifyRequest, jobId: string, link: string | undefined) => {
    if (link === undefined) {
      await app.authenticate(req);
      return req.user.sub;
    }
    const p = links.verify(link);
    if (!p || p.j !== jobId || typeof p.u !== "string" || typeof p.x !== "number" || p.x < Date.now()) {
      throw new AppError("UNAUTHORIZED", "the media link is invalid or has expired; ask for a new one");
    }
    return p.u;
  };
  const mediaJob = async (userId: string, jobId: string) => {
    const job = await opts.jobs.getJob({ userId, jobId });
    if (!job) throw new AppError("NOT_FOUND", "no such job");
    if (job.mediaDeletedAt) throw new AppError("MEDIA_GONE", `the media was deleted after the retention period (${job.mediaDeletedAt}); the transcript stays`);
    return job;
  };

  app.post(
    "/:id/media-link",
    {
      schema: {
        operationId: "createMediaLink",
        tags: ["jobs"],
        summary: "A short-lived URL of the job's original media, for players that cannot send a token",
        security: bearer,
        params: JobParams,
        response: {
          200: z.object({ url: z.string(), expiresAt: z.iso.datetime() }),
          ...errors(
            "VALIDATION_FAILED",
            "INVALID_JSON",
            "UNAUTHORIZED",
            "INSUFFICIENT_SCOPE",
            "NOT_FOUND",
            "MEDIA_GONE",
            "UNSUPPORTED_CONTENT_TYPE",
            "SERVICE_UNAVAILABLE",
          ),
        },
      },
      onRequest: app.authenticate,
    },
    async (req) => {
      const job = await mediaJob(req.user.sub, req.params.id);
      const x = Date.now() + opts.linkTtlSec * 1000;
      const link = links.sign({ u: job.userId, j: job.id, x });
      return { url: `/v1/jobs/${job.id}/media?link=${encodeURIComponent(link)}`, expiresAt: new Date(x).toISOString() };
    },
  );

  app.get(
    "/:id/media",
    {
      schema: {
        operationId: "getJobMedia",
        tags: ["jobs"],
        summary: "The job's original media (Range requests supported)",
        security: bearer,
        params: JobParams,
        description: "Bearer token, or `link` from POST /v1/jobs/:id/media-link. 410 MEDIA_GONE once retention removed the media.",
        querystring: z.object({ link: z.string().max(2048).optional() }),
        response: {
          ...MediaResponse,
          ...errors("VALIDATION_FAILED", "UNAUTHORIZED", "INSUFFICIENT_SCOPE", "NOT_FOUND", "MEDIA_GONE", "RANGE_NOT_SATISFIABLE", "SERVICE_UNAVAILABLE"),
        },
      },
    },
    async (req, reply) => {
      const job = await mediaJob(await ownerOf(req, req.params.id, req.query.link), req.params.id);
      const key = BlobKeys.upload(job.id);
      const info = await opts.blobs.stat(key);
      if (!info) throw new AppError("MEDIA_GONE", "the media of this job is no longer stored; the transcript stays");
      const range = parseRange(req.headers.range, info.size);
      const body = await opts.blobs.get(key);
      if (!body) throw new AppError("MEDIA_GONE", "the media of this job is no longer stored; the transcript stays");
      const stream = Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
      reply.type(mediaType(job.media)).header("accept-ranges", "bytes").header("cache-control", "private, max-age=3600");
      if (!range) return reply.header("content-length", info.size).send(stream);
      // The blob store streams from the start: bytes before the range are read and dropped.
      return reply
        .code(206)
        .header("content-range", `bytes ${range.start}-${range.end}/${info.size}`)
        .header("content-length", range.end - range.start + 1)
        .send(slice(stream, range.start, range.end));
    },
  );
};
