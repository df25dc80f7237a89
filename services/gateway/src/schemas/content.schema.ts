import type { Readable } from "node:stream";
import { JobEvent, JobOptions, Transcript } from "@mp4t/contracts";
import { z } from "zod";

/** The transcript document (`format=json`), named for the OpenAPI document and the client. */
const TranscriptDocument = Transcript.meta({ id: "Transcript" });
/** One server-sent event's data. */
export const JobEventData = JobEvent.omit({ userId: true }).meta({ id: "JobEvent" });

const text = (what: string) => ({ schema: z.string().describe(what) });

/** GET /v1/jobs/:id/transcript: the JSON document, or one of the rendered formats by `format`. */
export const TranscriptResponse = {
  description: "The transcript: JSON (format=json), or plain text, SubRip, WebVTT or Markdown rendered from it.",
  content: {
    "application/json": { schema: TranscriptDocument },
    "text/plain": text("format=txt: the text, a paragraph per speaker turn."),
    "application/x-subrip": text("format=srt: SubRip subtitles."),
    "text/vtt": text("format=vtt: WebVTT subtitles, speakers as voice tags."),
    "text/markdown": text("format=md: Markdown with speakers, summary and notes."),
  },
};

/** The SSE routes' 200: `event: <type>`, `id: <sequence>`, `data: <JobEvent JSON>`. */
export const EventStream = {
  description: "A stream of server-sent events; each `data` line is a JobEvent (the JobEvent schema), `event` its type and `id` its sequence.",
  content: {
    "text/event-stream": {
      // One event's data: the stream is a sequence of them (OpenAPI 3.0 cannot say "a sequence").
      schema: JobEventData,
    },
  },
};

/** GET /v1/events's `event: resync` data: a resume could not replay everything missed. */
const ResyncData = z
  .object({ reason: z.string().describe("Why: the missed events expired, or too many were stored since to scan.") })
  .meta({ id: "EventStreamResync" });

/** GET /v1/events's 200: JobEvents with ids, and on an incomplete resume first `event: resync` (no id). */
export const UserEventStream = {
  description:
    "A stream of server-sent events: `event` is the JobEvent's type, `id` its sequence (send it back as Last-Event-ID to resume), " +
    "`data` the JobEvent; or, first on a resume that cannot be complete, `event: resync` with EventStreamResync data (reload your list).",
  content: { "text/event-stream": { schema: z.union([JobEventData, ResyncData]) } },
};

/** POST /v1/jobs's multipart form, for the document (the handler streams the parts itself). */
export const UploadForm = z.object({
  file: z.string().meta({ format: "binary" }).describe("The media file (audio or video), at most MAX_UPLOAD_BYTES."),
  options: z
    .string()
    .optional()
    .describe(`The job options as JSON text; fields: ${Object.keys(JobOptions.shape).join(", ")} (as in the Job schema's options).`)
    .meta({ example: '{"language":"en","diarize":true}' }),
});

// The handler sends a stream (never serialized): the type says so; the document says binary.
const binary = (what: string) => ({ schema: z.string().meta({ format: "binary" }).describe(what) as unknown as z.ZodType<Readable> });
const mediaContent = {
  "video/mp4": binary("MP4 video (also video/webm for Matroska/WebM)."),
  "audio/mpeg": binary("Audio (also audio/mp4, audio/webm, audio/wav, audio/ogg, audio/flac, audio/aac by the probed container)."),
  "application/octet-stream": binary("A container with no browser type."),
};

/** GET /v1/jobs/:id/media: the original file, whole (200) or one byte range (206), typed by its probed container. */
export const MediaResponse = {
  200: { description: "The whole file, with `Accept-Ranges: bytes`.", content: mediaContent },
  206: { description: "The requested range (`Range: bytes=start-end`), with `Content-Range`.", content: mediaContent },
};
