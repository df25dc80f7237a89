import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providerPost, providerUrl } from "./provider-post.ts";

/** A plain HTTP server answering per path as a provider might; it records what it was sent. */
let server: Server;
let base: string;
const seen: { url: string; headers: IncomingMessage["headers"]; body: string }[] = [];

async function handle(req: IncomingMessage, res: ServerResponse) {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  seen.push({ url: req.url ?? "", headers: req.headers, body: Buffer.concat(parts).toString() });
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
  switch (req.url) {
    case "/v1/ok":
      return json(200, { text: "hello" });
    case "/v1/rate":
      return json(429, { error: { message: "Rate limit reached", type: "requests" } }, { "retry-after": "20", "retry-after-ms": "1500" });
    case "/v1/string-error":
      return json(503, { error: "model is loading" });
    case "/v1/html":
      return res.writeHead(502, { "content-type": "text/html" }).end("<html>bad gateway</html>");
    case "/v1/bare":
      return res.writeHead(500).end();
    case "/v1/long-error":
      return json(400, { error: { message: "x".repeat(5000) } });
    case "/v1/moved":
      return res.writeHead(307, { location: "https://elsewhere.example/v1/moved" }).end();
    case "/v1/bad-key":
      return json(401, { error: { message: "Incorrect API key provided" } });
    case "/v1/not-json":
      return res.writeHead(200, { "content-type": "application/json" }).end('{"text": "cut');
    case "/v1/huge-declared":
      return res.writeHead(200, { "content-type": "application/json", "content-length": "5000" }).end("x".repeat(5000));
    case "/v1/huge-streamed":
      res.writeHead(200, { "content-type": "application/json" });
      for (let i = 0; i < 10; i++) res.write("y".repeat(1000));
      return res.end();
    case "/v1/slow-body":
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"text":');
      return void setTimeout(() => res.end('"late"}'), 5000).unref();
    default:
      return json(404, { error: { message: `no route ${req.url}` } });
  }
}

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const post = (path: string, over: { signal?: AbortSignal; timeoutMs?: number; maxAnswerBytes?: number; bearer?: string } = {}) =>
  providerPost({
    provider: "p",
    url: providerUrl(base, path),
    bearer: "bearer" in over ? over.bearer : "sk-test",
    body: JSON.stringify({ q: 1 }),
    contentType: "application/json",
    signal: over.signal ?? new AbortController().signal,
    timeoutMs: over.timeoutMs ?? 5000,
    ...(over.maxAnswerBytes !== undefined ? { maxAnswerBytes: over.maxAnswerBytes } : {}),
  });

describe("providerPost", () => {
  it("joins a path to a base with or without its slash, keeping the base's query and dropping a fragment", () => {
    expect(providerUrl("https://api.openai.com/v1", "audio/transcriptions").href).toBe("https://api.openai.com/v1/audio/transcriptions");
    expect(providerUrl("http://h:8000/v1/", "chat/completions").href).toBe("http://h:8000/v1/chat/completions");
    expect(providerUrl("https://x.example/openai/v1?api-version=1#top", "audio/transcriptions").href).toBe(
      "https://x.example/openai/v1/audio/transcriptions?api-version=1",
    );
  });

  it("sends the body with its type and the key as a bearer, and answers the JSON of a 2xx", async () => {
    expect(await post("ok")).toEqual({ text: "hello" });
    const req = seen.at(-1)!;
    expect(req).toMatchObject({ url: "/v1/ok", body: '{"q":1}' });
    expect(req.headers).toMatchObject({
      authorization: "Bearer sk-test",
      "content-type": "application/json",
      accept: "application/json",
      "user-agent": "mp4totext",
    });
    await post("ok", { bearer: undefined });
    expect(seen.at(-1)!.headers.authorization).toBeUndefined();
    await post("ok", { bearer: "" });
    expect(seen.at(-1)!.headers.authorization).toBeUndefined();
  });

  it("maps a failed status to the provider's outcome with its message and Retry-After (retry-after-ms winning)", async () => {
    await expect(post("rate")).rejects.toMatchObject({
      name: "RetryableError",
      code: "ENGINE_FAILED",
      retryAfterMs: 1500,
      message: "p answered 429: Rate limit reached",
    });
    await expect(post("string-error")).rejects.toMatchObject({ name: "RetryableError", message: "p answered 503: model is loading" });
    await expect(post("html")).rejects.toMatchObject({ name: "RetryableError", message: "p answered 502: <html>bad gateway</html>" });
    await expect(post("bare")).rejects.toMatchObject({ name: "RetryableError", message: "p answered 500: status 500 (no body)" });
    await expect(post("bad-key")).rejects.toMatchObject({
      name: "PermanentError",
      code: "ENGINE_REJECTED",
      message: "p answered 401: Incorrect API key provided",
    });
    await expect(post("nowhere")).rejects.toMatchObject({ name: "PermanentError", message: "p answered 404: no route /v1/nowhere" });
  });

  it("cuts a provider's long error message, and names where a redirect (not followed) points", async () => {
    const long = (await post("long-error").catch((e: unknown) => e)) as Error;
    expect(long).toMatchObject({ name: "PermanentError", code: "ENGINE_REJECTED" });
    expect(long.message).toBe(`p answered 400: ${"x".repeat(1000)}...`);
    await expect(post("moved")).rejects.toMatchObject({
      name: "PermanentError",
      message: "p answered 307: status 307 (no body) (redirected to https://elsewhere.example/v1/moved; set the base URL to it)",
    });
    expect(seen.filter((r) => r.url === "/v1/moved")).toHaveLength(1);
  });

  it("refuses a key a header cannot carry, before sending anything and without quoting it", async () => {
    const before = seen.length;
    for (const bearer of ["sk-secret\nx", "sk secret", "sk-\u201csecret\u201d"]) {
      const err = (await post("ok", { bearer }).catch((e: unknown) => e)) as Error;
      expect(err).toMatchObject({ name: "PermanentError", code: "ENGINE_REJECTED", message: expect.stringMatching(/API key holds characters/) });
      expect(err.message).not.toContain("secret");
    }
    expect(seen.length).toBe(before);
  });

  it("calls a 2xx that is not JSON, or an answer over the limit, malformed (retryable)", async () => {
    await expect(post("not-json")).rejects.toMatchObject({
      name: "RetryableError",
      code: "ENGINE_FAILED",
      message: expect.stringMatching(/^p sent a malformed response: .*JSON/),
    });
    await expect(post("huge-declared", { maxAnswerBytes: 4096 })).rejects.toMatchObject({
      name: "RetryableError",
      message: "p sent a malformed response: the answer is 5000 bytes, over the 4096 read",
    });
    await expect(post("huge-streamed", { maxAnswerBytes: 4096 })).rejects.toMatchObject({
      name: "RetryableError",
      message: "p sent a malformed response: the answer is over the 4096 bytes read",
    });
    expect(await post("huge-declared", { maxAnswerBytes: 5000 }).catch((e: Error) => e.message)).toMatch(/malformed.*JSON/); // at the limit it is read
  });

  it("times out while the answer's body is still coming, without waiting for it", async () => {
    const t0 = Date.now();
    await expect(post("slow-body", { timeoutMs: 300 })).rejects.toMatchObject({
      name: "RetryableError",
      code: "ENGINE_FAILED",
      message: expect.stringMatching(/^p timed out/),
    });
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it("calls a server that cannot be reached retryable", async () => {
    const gone = createServer();
    gone.listen(0, "127.0.0.1");
    await once(gone, "listening");
    const url = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/v1`;
    await new Promise((r) => gone.close(r));
    await expect(
      providerPost({
        provider: "p",
        url: providerUrl(url, "ok"),
        body: "{}",
        contentType: "application/json",
        signal: new AbortController().signal,
        timeoutMs: 2000,
      }),
    ).rejects.toMatchObject({ name: "RetryableError", code: "ENGINE_FAILED", message: expect.stringMatching(/^p was unreachable: .*ECONNREFUSED/) });
  });

  it("passes the job's own abort on as it came, not as a provider failure", async () => {
    const ac = new AbortController();
    const reason = new Error("job cancelled");
    const call = post("slow-body", { signal: ac.signal });
    setTimeout(() => ac.abort(reason), 100);
    await expect(call).rejects.toBe(reason);
    // No reason given: the AbortError the signal carries; aborted before the call: the same, nothing sent.
    const bare = new AbortController();
    const second = post("slow-body", { signal: bare.signal });
    setTimeout(() => bare.abort(), 100);
    await expect(second).rejects.toMatchObject({ name: "AbortError" });
    const before = seen.length;
    await expect(post("ok", { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
    expect(seen.length).toBe(before);
    // A reason that is not an Error arrives wrapped, never as an ENGINE_FAILED.
    const odd = new AbortController();
    const third = post("slow-body", { signal: odd.signal });
    setTimeout(() => odd.abort("shutdown"), 100);
    await expect(third).rejects.toMatchObject({ message: "shutdown", cause: "shutdown" });
    await expect(post("slow-body", { signal: AbortSignal.abort("gone") })).rejects.not.toHaveProperty("code");
  });
});
