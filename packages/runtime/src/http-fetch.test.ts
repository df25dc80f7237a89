import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeFetch, formReleased, multipartBody, nodeFetch } from "./http-fetch.ts";

type Seen = { method: string; url: string; headers: IncomingMessage["headers"]; body: Buffer; socketUses: number };

/** A plain HTTP server standing in for a provider: it records each request and answers per path. */
let server: Server;
let base: string;
const seen: Seen[] = [];
const uses = new WeakMap<Socket, number>();

async function readAll(req: IncomingMessage) {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const socketUses = (uses.get(req.socket) ?? 0) + 1;
  uses.set(req.socket, socketUses);
  const body = await readAll(req);
  seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, socketUses });
  const path = req.url ?? "/";
  if (path === "/drop-reused" && socketUses > 1) return req.socket.destroy(); // a kept-alive connection closed under the client
  if (path === "/slow-head") return void setTimeout(() => res.end("late"), 5000).unref();
  if (path === "/slow-body") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("first ");
    return void setTimeout(() => res.end("late"), 5000).unref();
  }
  if (path === "/gzip") {
    res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
    return res.end(gzipSync(JSON.stringify({ zipped: true })));
  }
  if (path === "/empty") return res.writeHead(204).end();
  if (path === "/moved") return res.writeHead(302, { location: `${base}/elsewhere` }).end();
  if (path === "/odd-status") return res.writeHead(600).end("?");
  res.writeHead(201, { "content-type": "application/json", "x-echo": req.headers["x-echo"] ?? "" });
  res.end(JSON.stringify({ method: req.method, bytes: body.length }));
}

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const last = () => seen.at(-1)!;

describe("nodeFetch", () => {
  it("sends the method, headers and bytes, and answers with status, headers and body", async () => {
    const body = new Uint8Array(300_000).fill(7);
    const res = await nodeFetch(`${base}/echo`, { method: "post", headers: { "x-echo": "yes", "content-type": "audio/wav" }, body });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-echo")).toBe("yes");
    expect(await res.json()).toEqual({ method: "POST", bytes: 300_000 });
    expect(last().headers["content-length"]).toBe("300000");
    expect(last().headers["content-type"]).toBe("audio/wav");
    expect(last().body.equals(Buffer.from(body))).toBe(true);
  });

  it("gives a string, a Blob and URLSearchParams the content type fetch gives them", async () => {
    await nodeFetch(`${base}/echo`, { method: "POST", body: "héllo" });
    expect(last().headers["content-type"]).toBe("text/plain;charset=UTF-8");
    expect(last().body.toString("utf8")).toBe("héllo");
    await nodeFetch(`${base}/echo`, { method: "POST", body: new Blob([new Uint8Array([1, 2, 3])], { type: "audio/wav" }) });
    expect(last().headers["content-type"]).toBe("audio/wav");
    expect([...last().body]).toEqual([1, 2, 3]);
    await nodeFetch(`${base}/echo`, { method: "POST", body: new URLSearchParams({ a: "1 2" }) });
    expect(last().headers["content-type"]).toBe("application/x-www-form-urlencoded;charset=UTF-8");
    expect(last().body.toString()).toBe("a=1+2");
  });

  it("encodes a FormData that a multipart parser reads back field for field", async () => {
    const wav = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
    const form = new FormData();
    form.append("model", "whisper-1");
    form.append("timestamp_granularities[]", "word");
    form.append("timestamp_granularities[]", "segment");
    form.append("note", 'two\nlines and a "quote"');
    form.append("file", new File([wav], 'chunk "1".wav', { type: "audio/wav" }));
    await nodeFetch(`${base}/echo`, { method: "POST", body: form });
    const { headers, body } = last();
    expect(body.toString("latin1")).toContain('filename="chunk %221%22.wav"'); // escaped as undici sends it
    const back = await new Response(body, { headers: { "content-type": headers["content-type"]! } }).formData();
    expect(back.get("model")).toBe("whisper-1");
    expect(back.getAll("timestamp_granularities[]")).toEqual(["word", "segment"]);
    expect(back.get("note")).toBe('two\r\nlines and a "quote"'); // line breaks go out as CRLF, as fetch sends them
    const file = back.get("file") as File;
    expect([file.name, file.type]).toEqual(['chunk "1".wav', "audio/wav"]);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(wav);
  });

  it("builds a one-file form as a stream any reader can parse, arrays as repeated fields", async () => {
    const bytes = new Uint8Array([0, 255, 13, 10, 45, 45]);
    const form = multipartBody(
      { model: "m", "timestamp_granularities[]": ["word", "segment"] },
      { name: "file", filename: "chunk.wav", type: "audio/wav", bytes },
    );
    const raw = new Uint8Array(await new Response(form.body).arrayBuffer());
    expect(raw.byteLength).toBe(form.length);
    const back = await new Response(raw, { headers: { "content-type": form.contentType } }).formData();
    expect(back.get("model")).toBe("m");
    expect(back.getAll("timestamp_granularities[]")).toEqual(["word", "segment"]);
    expect(new Uint8Array(await (back.get("file") as File).arrayBuffer())).toEqual(bytes);
  });

  it("sends a multipartBody form with its length, the file's bytes as they are, and only once", async () => {
    const bytes = new Uint8Array(100_000).map((_, i) => i % 251);
    const form = multipartBody({ model: "m" }, { name: "file", filename: "chunk.wav", type: "audio/wav", bytes });
    const res = await nodeFetch(`${base}/echo`, { method: "POST", body: form.body, headers: { "content-type": form.contentType } });
    await res.arrayBuffer();
    // Written from its pieces: a known length, not chunked as a stream of unknown length would go.
    expect(last().headers["content-length"]).toBe(String(form.length));
    expect(last().headers["transfer-encoding"]).toBeUndefined();
    const back = await new Response(last().body, { headers: { "content-type": form.contentType } }).formData();
    expect(back.get("model")).toBe("m");
    expect(new Uint8Array(await (back.get("file") as File).arrayBuffer())).toEqual(bytes);
    // A sent body is used up, as fetch's is: a second send is refused rather than sent empty.
    expect(form.body.locked).toBe(true);
    await expect(nodeFetch(`${base}/echo`, { method: "POST", body: form.body })).rejects.toThrow();
  });

  it("refuses a multipartBody form already read from or cancelled, rather than send it whole, and one not for http(s)", async () => {
    const make = () => multipartBody({ model: "m" }, { name: "file", filename: "a.wav", type: "audio/wav", bytes: new Uint8Array(10) });
    const before = seen.length;
    const read = make();
    const reader = read.body.getReader();
    await reader.read();
    reader.releaseLock();
    await expect(nodeFetch(`${base}/echo`, { method: "POST", body: read.body, duplex: "half" } as RequestInit)).rejects.toThrow(/read from, cancelled/);
    const cancelled = make();
    await cancelled.body.cancel();
    await expect(nodeFetch(`${base}/echo`, { method: "POST", body: cancelled.body, duplex: "half" } as RequestInit)).rejects.toThrow(/read from, cancelled/);
    // Nor is a fresh one passed on to another fetch (its bytes could then be held past formReleased).
    await expect(nodeFetch("data:text/plain,x", { method: "POST", body: make().body, duplex: "half" } as RequestInit)).rejects.toThrow(/not for http/);
    expect(seen.length).toBe(before); // nothing reached the server
  });

  it("ends a request answered whole before its form was sent, and tells when the form's bytes are free (formReleased)", async () => {
    // A raw server that answers at once and never reads the body: the client's writes stall on a full socket.
    const early = createNetServer((socket) => {
      socket.once("data", () => {
        socket.write("HTTP/1.1 413 Payload Too Large\r\ncontent-type: text/plain\r\ncontent-length: 5\r\n\r\nlarge");
        socket.pause();
      });
    });
    early.listen(0, "127.0.0.1");
    await once(early, "listening");
    try {
      const form = multipartBody({ model: "m" }, { name: "file", filename: "a.wav", type: "audio/wav", bytes: new Uint8Array(32 * 1024 * 1024) });
      const res = await createNodeFetch({ inactivityMs: 60_000 })(`http://127.0.0.1:${(early.address() as AddressInfo).port}/`, {
        method: "POST",
        body: form.body,
      });
      expect([res.status, await res.text()]).toEqual([413, "large"]);
      const released = await Promise.race([formReleased(form.body).then(() => "released"), new Promise((r) => setTimeout(r, 5000, "still held"))]);
      expect(released).toBe("released");
    } finally {
      early.close();
    }
  });

  it("decodes a gzip answer, as fetch does", async () => {
    const res = await nodeFetch(`${base}/gzip`, { method: "POST", body: "{}" });
    expect(await res.json()).toEqual({ zipped: true });
    expect(res.headers.get("content-encoding")).toBeNull();
  });

  it("answers 204 with no body, and gives a redirect of a request with a body back instead of following it", async () => {
    const empty = await nodeFetch(`${base}/empty`, { method: "DELETE", body: "x" });
    expect([empty.status, empty.body]).toEqual([204, null]);
    const moved = await nodeFetch(`${base}/moved`, { method: "POST", body: "chunk" });
    expect(moved.status).toBe(302);
    expect(moved.headers.get("location")).toBe(`${base}/elsewhere`);
    expect(seen.some((s) => s.url === "/elsewhere")).toBe(false);
    // A request without a body (the Hub's model lookups) is fetch's, redirects and all.
    const followed = await nodeFetch(`${base}/moved`);
    expect(followed.status).toBe(201);
    expect(last().url).toBe("/elsewhere");
  });

  it("rejects an answer whose status fetch cannot represent, without taking the process down", async () => {
    await expect(nodeFetch(`${base}/odd-status`, { method: "POST", body: "x" })).rejects.toThrow(/status 600, outside 200-599/);
  });

  it("aborts a request waiting for its answer, and one whose body is being read, with the signal's reason", async () => {
    const waiting = new AbortController();
    const pending = nodeFetch(`${base}/slow-head`, { method: "POST", body: "x", signal: waiting.signal });
    setTimeout(() => waiting.abort(), 100);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });

    const reading = new AbortController();
    const res = await nodeFetch(`${base}/slow-body`, { method: "POST", body: "x", signal: reading.signal });
    const text = res.text();
    setTimeout(() => reading.abort(), 100);
    await expect(text).rejects.toMatchObject({ name: "AbortError" });

    await expect(nodeFetch(`${base}/echo`, { method: "POST", body: "x", signal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
    const timedOut = nodeFetch(`${base}/slow-head`, { method: "POST", body: "x", signal: AbortSignal.timeout(50) });
    await expect(timedOut).rejects.toMatchObject({ name: "TimeoutError" }); // the reason as given, as fetch rejects
  });

  it("never sends a request twice: one whose kept-alive connection the server dropped fails, for the caller to retry", async () => {
    const first = await nodeFetch(`${base}/drop-reused`, { method: "POST", body: "first" });
    expect(await first.json()).toEqual({ method: "POST", bytes: 5 }); // read to the end: its connection goes back to be reused
    const before = seen.length;
    await expect(nodeFetch(`${base}/drop-reused`, { method: "POST", body: "again" })).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(seen.slice(before).map((t) => [t.body.toString(), t.socketUses])).toEqual([["again", 2]]);
    expect((await nodeFetch(`${base}/echo`, { method: "POST", body: "after" })).status).toBe(201); // a new connection serves the next
  });

  it("fails a request when no byte arrives for its inactivity time, before the answer's head or within its body", async () => {
    const quick = createNodeFetch({ inactivityMs: 200 }); // the services' nodeFetch waits 300 s, as undici does
    await expect(quick(`${base}/slow-head`, { method: "POST", body: "x" })).rejects.toThrow(/^no answer from 127\.0\.0\.1:\d+ for 0\.2 s$/);
    const res = await quick(`${base}/slow-body`, { method: "POST", body: "x" });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow(); // the body stops after "first "; the server's "late" would come in 5 s
  });

  it("reuses a kept-alive connection, and drops one left unused for its idle time", async () => {
    const f = createNodeFetch({ idleMs: 1000 }); // the services' nodeFetch: 4 s
    const uses = async () => {
      await (await f(`${base}/echo`, { method: "POST", body: "x" })).arrayBuffer();
      return last().socketUses;
    };
    expect(await uses()).toBe(1);
    expect(await uses()).toBe(2); // back to back: the same connection
    await new Promise((r) => setTimeout(r, 1600)); // idle past the agent's timeout, on purpose
    expect(await uses()).toBe(1); // a new connection: the idle one was closed by us, not reused after the server's close
  });

  it("leaves a body it does not send itself (a stream) to the global fetch", async () => {
    const stream = new Blob(["streamed"]).stream();
    const res = await nodeFetch(`${base}/echo`, { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect(await res.json()).toEqual({ method: "POST", bytes: 8 });
    expect(last().headers["transfer-encoding"]).toBe("chunked");
  });
});
