import { finished, PassThrough } from "node:stream";
import type { MultipartFile } from "@fastify/multipart";
import type { JobOptions } from "@mp4t/contracts";
import { AppError } from "@mp4t/contracts";
import type { BlobStore } from "@mp4t/stores";
import type { FastifyRequest } from "fastify";
import { cleanFileName, parseJobOptions } from "./job-options.ts";

export type ReceivedUpload = { fileName: string; contentType: string; sizeBytes: number; options: JobOptions };

/** Small fields only: the options JSON is the one field we take. */
const FIELD_LIMITS = { fieldSize: 64 * 1024, fields: 8, parts: 16, fieldNameSize: 100 };

export type UploadDeps = {
  blobs: BlobStore;
  maxBytes: number;
  /** Refuses options the deployment cannot serve; runs as soon as the options are known. */
  checkOptions?: (options: JobOptions) => Promise<void>;
  /** Runs when the file part starts, after the body's shape and any options before it passed (the disk guard). */
  beforeFile?: () => Promise<void>;
};

/**
 * Reads a multipart upload: the `file` part streams straight into the blob store (never held in
 * memory) and the `options` field may come before or after it. Options that come first are
 * checked before a byte of the file is stored; later ones once it has arrived. Any failure
 * removes what was stored, so a rejected upload leaves nothing behind.
 */
export async function receiveUpload(req: FastifyRequest, deps: UploadDeps, key: string): Promise<ReceivedUpload> {
  if (!req.isMultipart()) {
    throw new AppError("UNSUPPORTED_CONTENT_TYPE", "send multipart/form-data with a `file` part and an optional `options` field");
  }
  let file: Omit<ReceivedUpload, "options"> | undefined;
  let options: JobOptions | undefined;
  let stored = false;
  try {
    for await (const part of req.parts({ limits: { ...FIELD_LIMITS, fileSize: deps.maxBytes } })) {
      if (part.type === "file") {
        if (part.fieldname !== "file" || file) {
          part.file.resume();
          throw new AppError("VALIDATION_FAILED", `unexpected file part "${part.fieldname}": send exactly one part named "file"`);
        }
        if (deps.beforeFile) {
          await deps.beforeFile().catch((err: unknown) => {
            part.file.resume();
            throw err;
          });
        }
        stored = true;
        file = await storeFile(part, deps.blobs, key, deps.maxBytes);
      } else if (part.fieldname === "options") {
        if (options) throw new AppError("VALIDATION_FAILED", "the options field was sent twice");
        if (part.valueTruncated) throw new AppError("VALIDATION_FAILED", `the options field is longer than ${FIELD_LIMITS.fieldSize} bytes`);
        options = parseJobOptions(part.value);
        await deps.checkOptions?.(options);
      } else if (part.fieldname === "file") {
        throw new AppError("FILE_MISSING", 'the "file" part must be a file upload (with a filename)');
      } else {
        throw new AppError("VALIDATION_FAILED", `unexpected field "${part.fieldname}": only "file" and "options" are accepted`);
      }
    }
    if (!file) throw new AppError("FILE_MISSING");
    if (file.sizeBytes === 0) throw new AppError("FILE_EMPTY");
    if (!options) {
      options = parseJobOptions(undefined);
      await deps.checkOptions?.(options); // the defaults: the default engine may not serve the default language
    }
    return { ...file, options };
  } catch (err) {
    if (stored) await deps.blobs.delete(key).catch(() => undefined);
    throw asClientError(err);
  }
}

/** Streams one file part into the blob store, failing with FILE_TOO_LARGE as soon as it passes the limit. */
async function storeFile(part: MultipartFile, blobs: BlobStore, key: string, maxBytes: number) {
  const guard = new PassThrough();
  let tooLarge = false;
  let malformed: Error | undefined;
  part.file.once("limit", () => {
    tooLarge = true;
    part.file.unpipe(guard);
    guard.destroy(new AppError("FILE_TOO_LARGE"));
    part.file.resume(); // let the parser skip the rest of the part
  });
  // Also fires for a part the parser already destroyed (the body ended mid-part) before we got here.
  finished(part.file, (err) => {
    if (!err || tooLarge) return;
    malformed = err;
    guard.destroy(err);
  });
  part.file.pipe(guard);
  try {
    const body = asWebStream(guard);
    const info = await blobs.put(key, body, { contentType: part.mimetype });
    if (part.file.truncated) tooLarge = true;
    if (!tooLarge) return { fileName: cleanFileName(part.filename), contentType: part.mimetype, sizeBytes: info.size };
  } catch (err) {
    part.file.unpipe(guard);
    part.file.resume();
    // A full disk among the causes answers STORAGE_FULL (to-http-error.ts looks through the causes).
    if (!tooLarge && !malformed) throw new AppError("SERVICE_UNAVAILABLE", "could not store the upload; retry later", { cause: err });
  }
  if (tooLarge) throw new AppError("FILE_TOO_LARGE", `the file is larger than the ${maxBytes}-byte limit`);
  throw new AppError("VALIDATION_FAILED", `malformed multipart body: ${malformed?.message}`);
}

/**
 * A Node stream as a web stream, its chunks passed on as they are. `Readable.toWeb` copies every
 * chunk into a new array (to keep Node's shared buffer pool out of a consumer that might transfer
 * it); these are the parser's slices of the request's own chunks, and the blob stores only read
 * them. Paused while the web stream's queue is full, destroyed when it is cancelled.
 */
export function asWebStream(source: PassThrough): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      source.on("data", (chunk: Buffer) => {
        try {
          controller.enqueue(chunk);
        } catch {
          return void source.destroy(); // the web stream ended first (cancelled, errored): nobody reads on
        }
        if ((controller.desiredSize ?? 0) <= 0) source.pause();
      });
      source.once("end", () => {
        try {
          controller.close();
        } catch {} // cancelled already
      });
      source.once("error", (err) => controller.error(err));
      source.pause();
    },
    pull() {
      source.resume();
    },
    cancel(reason) {
      source.destroy(reason instanceof Error ? reason : undefined);
    },
  });
}

/** The multipart parser throws plain errors for a malformed body; those are the client's, not ours. */
function asClientError(err: unknown): unknown {
  if (err instanceof AppError || !(err instanceof Error)) return err;
  const coded = err as Error & { code?: unknown; statusCode?: unknown };
  if (err.constructor !== Error || typeof coded.code === "string" || typeof coded.statusCode === "number") return err;
  return new AppError("VALIDATION_FAILED", `malformed multipart body: ${err.message}`, { cause: err });
}
