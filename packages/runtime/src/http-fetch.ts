import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Readable, type Transform } from "node:stream";
import { constants as zlibConstants, createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

/** Kept-alive connections, dropped after IDLE_MS unused: before the common 5 s of servers (uvicorn, Node), so a reused one is rarely closed under us. */
const IDLE_MS = 4000;
/** undici's headers and body timeouts: no byte either way for this long fails the request. */
const INACTIVITY_MS = 300_000;

/**
 * `fetch` for the provider calls (`providerPost`, the Hugging Face SDK), on node:http instead of undici for what
 * costs: a request with a body. Measured here (docs/architecture.md, "The upload to the engine"):
 * a 230 KB chunk's upload cost 10-11 ms of CPU and 240 page faults per request through undici's
 * fetch with the OpenAI SDK, about 1.5 ms and 9 faults through node:http with the body written as
 * it lies in memory.
 *
 * For a request with a body (a string, bytes, a Blob, a FormData, encoded here with its files read
 * whole, URLSearchParams, or a form from `multipartBody`, its pieces written as they are): the content type fetch would give it, the signal aborting the
 * request or the body being read with its reason, gzip/deflate/br answers decoded, and, as
 * undici's defaults, a request failed after 300 s without a byte either way. Deliberately unlike
 * fetch: a redirect is not followed (the 3xx is the answer, so a moved endpoint is an error that
 * names its status, not a chunk and a key sent somewhere we were not told), and nothing is sent
 * twice (a kept-alive connection the server closed as it was reused fails the request: the
 * caller's retry decides; idle connections are dropped after 4 s, before the 5 s most servers
 * keep them). Everything else (no body: the Hub's model lookups; any other stream; a `Request`) goes to
 * the global fetch unchanged.
 */
export const nodeFetch = createNodeFetch();

/** `nodeFetch` with its own connections and timers (tests shorten them; the services use `nodeFetch`). */
export function createNodeFetch({ idleMs = IDLE_MS, inactivityMs = INACTIVITY_MS }: { idleMs?: number; inactivityMs?: number } = {}) {
  const agents: Agents = { "http:": new HttpAgent({ keepAlive: true, timeout: idleMs }), "https:": new HttpsAgent({ keepAlive: true, timeout: idleMs }) };
  async function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const method = (init.method ?? "GET").toUpperCase();
    // fetch's: no body, a GET or HEAD (fetch refuses one with a body, in its words), a `Request`.
    const url = input instanceof Request || init.body === null || init.body === undefined || method === "GET" || method === "HEAD" ? null : new URL(input);
    const body = url && (url.protocol === "http:" || url.protocol === "https:") ? await bodyOf(init.body) : null;
    const form = forms.has(init.body as ReadableStream<Uint8Array>) ? (init.body as ReadableStream<Uint8Array>) : undefined;
    // A form's bytes may be the caller's to reuse once `formReleased` says so, which only a send
    // of its own can tell: one it cannot send (read from, cancelled, not http) is refused, never passed on.
    if (form && (!url || !body))
      throw new TypeError("a multipartBody form is sent whole by nodeFetch over http(s) or not at all; this one was read from, cancelled or not for http(s)");
    if (!url || !body) return fetch(input, init);
    const headers: OutgoingHttpHeaders = {};
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    if (body.contentType && headers["content-type"] === undefined) headers["content-type"] = body.contentType;
    headers["content-length"] = String(body.length);
    headers["accept-encoding"] ??= "gzip, deflate, br";
    return send({ url, method, headers, chunks: body.chunks, signal: init.signal ?? undefined, agents, inactivityMs, form });
  }
  return nodeFetch;
}

type Agents = { "http:": HttpAgent; "https:": HttpsAgent };
type Outgoing = {
  url: URL;
  method: string;
  headers: OutgoingHttpHeaders;
  chunks: Uint8Array[];
  signal: AbortSignal | undefined;
  agents: Agents;
  inactivityMs: number;
  /** A `multipartBody` form being sent: its release is recorded (`formReleased`). */
  form?: ReadableStream<Uint8Array> | undefined;
};

const NULL_BODY_STATUS = new Set([204, 205, 304]);
const zlibLoose = { finishFlush: zlibConstants.Z_SYNC_FLUSH }; // as undici: a body cut short still yields what arrived
const DECODERS: Record<string, () => Transform> = {
  gzip: () => createGunzip(zlibLoose),
  "x-gzip": () => createGunzip(zlibLoose),
  deflate: () => createInflate(zlibLoose),
  br: () => createBrotliDecompress({ finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH }),
};

/** What fetch rejects with when its signal aborts: the signal's reason, an AbortError when there is none. */
const abortReason = (signal: AbortSignal): unknown => signal.reason ?? new DOMException("This operation was aborted", "AbortError");
const asError = (reason: unknown) => (reason instanceof Error ? reason : Object.assign(new Error(String(reason)), { cause: reason }));

function send({ url, method, headers, chunks, signal, agents, inactivityMs, form }: Outgoing): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    let body: Readable | undefined;
    let aborted: unknown;
    const abort = () => {
      aborted = abortReason(signal!);
      // The answer is being read: its body fails with the reason; else the request does.
      if (body) body.destroy(asError(aborted));
      else req.destroy(asError(aborted));
    };
    const done = () => signal?.removeEventListener("abort", abort);
    const agent = agents[url.protocol as keyof typeof agents];
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, { method, headers, agent }, (res) => {
      // Answered whole before the body was all sent (a 413 at once, say): the rest is moot, and the
      // request ends here rather than hold the body (and the connection) until the server reads on.
      res.once("end", () => {
        if (!req.writableFinished) req.destroy();
      });
      try {
        const answer = toResponse(res, method, url);
        body = answer.stream;
        if (body) body.once("close", done);
        else done();
        resolve(answer.response);
      } catch (err) {
        done();
        res.destroy();
        reject(err);
      }
    });
    req.setTimeout(inactivityMs, () => req.destroy(new Error(`no answer from ${url.host} for ${inactivityMs / 1000} s`)));
    req.on("error", (err) => {
      done();
      reject(aborted ?? err);
    });
    signal?.addEventListener("abort", abort, { once: true });
    if (form) formReleases.set(form, new Promise<void>((r) => req.once("close", () => r())));
    req.cork();
    for (const c of chunks) req.write(c);
    req.end();
  });
}

function toResponse(res: IncomingMessage, method: string, url: URL): { response: Response; stream?: Readable } {
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 599) throw new TypeError(`${url.host} answered with HTTP status ${status}, outside 200-599`);
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
  const pieces = piecesOf(body);
  if (pieces) return sized(pieces);
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

/** Every body `multipartBody` made, and the pieces of each not read from yet, for `nodeFetch` to write as they lie in memory. */
const forms = new WeakSet<ReadableStream<Uint8Array>>();
const formPieces = new WeakMap<ReadableStream<Uint8Array>, Uint8Array[]>();
/** For each such body `nodeFetch` sent: settles when its request is over. */
const formReleases = new WeakMap<ReadableStream<Uint8Array>, Promise<void>>();

/**
 * Resolves once `nodeFetch` holds none of a `multipartBody` form's pieces: its request is over,
 * every piece written, or destroyed (an answer read whole before the body was sent ends the
 * request: the rest is not sent). At once for a form nodeFetch never sent (it passes none on to
 * another fetch, so nothing else sent it unless the caller read the stream itself). The caller may
 * then reuse the file's bytes.
 */
export function formReleased(body: ReadableStream<Uint8Array>): Promise<void> {
  return formReleases.get(body) ?? Promise.resolve();
}

/**
 * A form with text fields (a list: the field repeated, as `name[]` arrays go) and one file, as a
 * stream of its pieces, the file's bytes among them as they are: no copy. For a provider call that
 * would otherwise build a FormData around a Blob (each a copy of the bytes; see `nodeFetch`), and
 * in place of one buffer of the whole form: that copy of a chunk (225 KiB) is fresh memory per
 * request, a page fault every 4 KiB (docs/architecture.md, "Seventeenth pass"). `nodeFetch` writes
 * the pieces themselves, the length known; any other fetch reads the stream, which yields the same
 * bytes. Sent once, like any stream body.
 */
export function multipartBody(
  fields: Record<string, string | string[]>,
  file: FormFile,
  boundary = newBoundary(),
): { body: ReadableStream<Uint8Array>; contentType: string; length: number } {
  const flat = Object.entries(fields).flatMap(([name, v]): [string, string][] => (Array.isArray(v) ? v.map((x): [string, string] => [name, x]) : [[name, v]]));
  const pieces = formParts(flat, [file], boundary);
  let next = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        formPieces.delete(body); // read (or being read) as a stream: no longer whole for nodeFetch
        const piece = pieces[next++];
        if (piece) c.enqueue(piece);
        else c.close();
      },
      cancel() {
        formPieces.delete(body);
      },
    },
    { highWaterMark: 0 }, // nothing pulled until a reader asks
  );
  forms.add(body);
  formPieces.set(body, pieces);
  return { body, contentType: formType(boundary), length: pieces.reduce((n, p) => n + p.byteLength, 0) };
}

/** A `multipartBody` stream not read yet: its pieces, the stream locked as a sent body is (a second send fails, as fetch's does). */
function piecesOf(body: RequestInit["body"]): Uint8Array[] | undefined {
  if (!(body instanceof ReadableStream) || body.locked) return undefined;
  const pieces = formPieces.get(body);
  if (pieces) body.getReader();
  return pieces;
}

/** A FormData as fetch would send it, its files read whole. */
async function encodeForm(form: FormData, boundary = newBoundary()): Promise<{ chunks: Uint8Array[]; contentType: string }> {
  const fields: [string, string][] = [];
  const files: FormFile[] = [];
  for (const [name, value] of form) {
    if (typeof value === "string") fields.push([name, value]);
    else files.push({ name, filename: value.name, type: value.type, bytes: await value.bytes() });
  }
  return { chunks: formParts(fields, files, boundary), contentType: formType(boundary) };
}
