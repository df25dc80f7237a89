import { request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable, type Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

/**
 * `fetch` for the provider SDKs (OpenAI, Hugging Face), on node:http instead of undici. Measured
 * here (docs/architecture.md, "The upload to the engine"): a 230 KB chunk's upload with the
 * OpenAI SDK cost 10-11 ms of CPU and 240 page faults per request through undici's fetch, about
 * 1 ms and 6 faults through node:http with the body written as it lies in memory.
 *
 * Same contract as fetch for what the SDKs send: a string, bytes, a Blob, a FormData (encoded
 * here, files read whole: a chunk is about 1 MB at most) or URLSearchParams as the body; the
 * signal aborts the request or the body being read with an `AbortError`; gzip, deflate and br
 * answers are decoded. Differences, all deliberate: redirects are not followed (the 3xx comes back
 * as the answer, so a moved endpoint is an error that names its status instead of a request sent
 * somewhere we were not told); a request on a kept-alive connection that the server had closed
 * meanwhile is sent once more on a new one (what undici does, and Node's documentation advises).
 * A body or input it does not handle (a stream, a Request) goes to the global fetch unchanged.
 */
export async function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = input instanceof Request ? null : new URL(input);
  const body = url && (url.protocol === "http:" || url.protocol === "https:") ? await bodyOf(init.body) : null;
  if (!url || !body) return fetch(input, init);
  const headers: OutgoingHttpHeaders = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  if (body.contentType && headers["content-type"] === undefined) headers["content-type"] = body.contentType;
  const method = (init.method ?? "GET").toUpperCase();
  if (body.length > 0 || !["GET", "HEAD", "OPTIONS"].includes(method)) headers["content-length"] = String(body.length);
  headers["accept-encoding"] ??= "gzip, deflate, br";
  const signal = init.signal ?? undefined;
  for (let attempt = 1; ; attempt++) {
    const sent = send(url, method, headers, body.chunks, signal);
    try {
      return await sent.response;
    } catch (err) {
      // A kept-alive connection the server closed as we reused it: nothing reached the server's handler.
      const stale = sent.req.reusedSocket && (err as NodeJS.ErrnoException).code === "ECONNRESET";
      if (attempt > 1 || !stale || signal?.aborted) throw err;
    }
  }
}

/** `fetch`'s own `Response` beside it, for SDKs that check what their fetch can send (OpenAI's). */
nodeFetch.Response = Response;

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const DECODERS: Record<string, () => Transform> = { gzip: createGunzip, "x-gzip": createGunzip, deflate: createInflate, br: createBrotliDecompress };

/** What fetch rejects with when its signal aborts: the signal's reason (an AbortError unless the caller gave one). */
const abortReason = (signal: AbortSignal) => (signal.reason instanceof Error ? signal.reason : new DOMException("This operation was aborted", "AbortError"));

function send(url: URL, method: string, headers: OutgoingHttpHeaders, chunks: Uint8Array[], signal: AbortSignal | undefined) {
  let req!: ClientRequest;
  const response = new Promise<Response>((resolve, reject) => {
    let body: Readable | undefined;
    const abort = () => {
      const reason = abortReason(signal!);
      if (body)
        body.destroy(reason); // the answer is being read: its body fails with the reason
      else req.destroy(reason);
    };
    req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, { method, headers }, (res) => {
      const answer = toResponse(res, method);
      body = answer.stream;
      body?.once("close", () => signal?.removeEventListener("abort", abort));
      if (!body) signal?.removeEventListener("abort", abort);
      resolve(answer.response);
    });
    req.on("error", (err) => {
      signal?.removeEventListener("abort", abort);
      reject(err);
    });
    if (signal?.aborted) return abort();
    signal?.addEventListener("abort", abort, { once: true });
    req.cork();
    for (const c of chunks) req.write(c);
    req.end();
  });
  return { req, response };
}

function toResponse(res: IncomingMessage, method: string): { response: Response; stream?: Readable } {
  const status = res.statusCode ?? 0;
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  const init = { status, statusText: res.statusMessage ?? "", headers };
  if (method === "HEAD" || NULL_BODY_STATUS.has(status)) {
    res.resume();
    return { response: new Response(null, init) };
  }
  const decode = DECODERS[(res.headers["content-encoding"] ?? "").trim().toLowerCase()];
  let stream: Readable = res;
  if (decode) {
    const decoder = decode();
    res.on("error", (err) => decoder.destroy(err));
    decoder.on("close", () => res.destroy());
    stream = res.pipe(decoder);
    // As fetch does: the body is decoded, so its encoded length and encoding no longer describe it.
    headers.delete("content-encoding");
    headers.delete("content-length");
  }
  return { response: new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, init), stream };
}

type Body = { chunks: Uint8Array[]; length: number; contentType?: string };

const utf8 = new TextEncoder();
const sized = (chunks: Uint8Array[], contentType?: string): Body => ({
  chunks,
  length: chunks.reduce((n, c) => n + c.byteLength, 0),
  ...(contentType ? { contentType } : {}),
});

/** The body as bytes ready to write, and the content type fetch would give it; null: not ours to send. */
async function bodyOf(body: RequestInit["body"]): Promise<Body | null> {
  if (body === null || body === undefined) return sized([]);
  if (typeof body === "string") return sized([utf8.encode(body)], "text/plain;charset=UTF-8");
  if (body instanceof Uint8Array) return sized([body]);
  if (ArrayBuffer.isView(body)) return sized([new Uint8Array(body.buffer, body.byteOffset, body.byteLength)]);
  if (body instanceof ArrayBuffer) return sized([new Uint8Array(body)]);
  if (body instanceof URLSearchParams) return sized([utf8.encode(body.toString())], "application/x-www-form-urlencoded;charset=UTF-8");
  if (body instanceof Blob) return sized([await body.bytes()], body.type || undefined);
  if (body instanceof FormData) {
    const form = await encodeForm(body);
    return sized(form.chunks, form.contentType);
  }
  return null;
}

/** Quotes and line breaks in a multipart header, escaped as browsers and undici do. */
const headerSafe = (s: string) => s.replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22");

/** A file field of a multipart form, its bytes as they lie in memory. */
export type FormFile = { name: string; filename: string; type: string; bytes: Uint8Array };

/** multipart/form-data (RFC 7578) as fetch encodes it, in pieces to write in order: text fields, then files. */
function formParts(fields: Iterable<[string, string]>, files: FormFile[], boundary: string): Uint8Array[] {
  const parts: Uint8Array[] = [];
  const disposition = (name: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${headerSafe(name)}"`;
  for (const [name, value] of fields) parts.push(utf8.encode(`${disposition(name)}\r\n\r\n${value.replace(/\r\n|\r|\n/g, "\r\n")}\r\n`));
  for (const f of files) {
    parts.push(utf8.encode(`${disposition(f.name)}; filename="${headerSafe(f.filename)}"\r\nContent-Type: ${f.type || "application/octet-stream"}\r\n\r\n`));
    parts.push(f.bytes, utf8.encode("\r\n"));
  }
  parts.push(utf8.encode(`--${boundary}--\r\n`));
  return parts;
}

const newBoundary = () => `mp4t-${crypto.randomUUID()}`;
const formType = (boundary: string) => `multipart/form-data; boundary=${boundary}`;

/**
 * A form with text fields (a list: the field repeated, as `name[]` arrays go) and one file, as one
 * body: the file's bytes copied once. For a provider call that would otherwise build a FormData
 * around a Blob (each a copy of the bytes; see `nodeFetch`).
 */
export function multipartBody(fields: Record<string, string | string[]>, file: FormFile, boundary = newBoundary()): { body: Uint8Array; contentType: string } {
  const flat = Object.entries(fields).flatMap(([name, v]): [string, string][] => (Array.isArray(v) ? v.map((x): [string, string] => [name, x]) : [[name, v]]));
  return { body: Buffer.concat(formParts(flat, [file], boundary)), contentType: formType(boundary) };
}

/** A FormData as fetch would send it, its files read whole. */
export async function encodeForm(form: FormData, boundary = newBoundary()): Promise<{ chunks: Uint8Array[]; contentType: string }> {
  const fields: [string, string][] = [];
  const files: FormFile[] = [];
  for (const [name, value] of form) {
    if (typeof value === "string") fields.push([name, value]);
    else files.push({ name, filename: value.name, type: value.type, bytes: await value.bytes() });
  }
  return { chunks: formParts(fields, files, boundary), contentType: formType(boundary) };
}
