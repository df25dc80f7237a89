import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for Hugging Face automatic speech recognition, speaking the serverless /
 * Inference Endpoints protocol: `POST /models/<owner>/<model>` (or any path, as an endpoint URL)
 * with the raw audio as the body and a bearer token; the answer is the transformers pipeline's
 * `{text, chunks: [{timestamp: [start, end], text}]}` (one chunk per word), and errors are
 * `{error: "..."}` as the HF API sends them.
 */
export type FakeHfFailure =
  | { kind: "rate-limit"; retryAfterSec: number }
  | { kind: "server-error"; status?: number }
  | { kind: "loading"; estimatedTimeSec: number }
  | { kind: "malformed" }
  | { kind: "slow"; delayMs: number }
  | { kind: "unauthorized" };

export type FakeHfOptions = {
  token?: string;
  latencyMs?: number;
  transcript?: string;
  /** `false`: answer `{text}` only, as an endpoint without timestamps does. */
  chunks?: boolean;
  failures?: FakeHfFailure[];
};

export type FakeHfServer = {
  /** Serverless-style URL of a model: `http://127.0.0.1:<port>/models/<model>`. */
  modelUrl(model: string): string;
  token: string;
  requests: { path: string; bytes: number; contentType: string }[];
  fail(...failures: FakeHfFailure[]): void;
  close(): Promise<void>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

function wavDuration(bytes: Buffer): number {
  if (bytes.length < 44 || bytes.toString("ascii", 0, 4) !== "RIFF") return 0;
  const byteRate = bytes.readUInt32LE(28);
  return byteRate > 0 ? (bytes.length - 44) / byteRate : 0;
}

export async function startFakeHf(opts: FakeHfOptions = {}): Promise<FakeHfServer> {
  const token = opts.token ?? "hf_testfaketoken";
  const failures = [...(opts.failures ?? [])];
  const requests: FakeHfServer["requests"] = [];
  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      if (opts.latencyMs) await sleep(opts.latencyMs);
      if (req.method !== "POST") return send(res, 405, { error: "Method Not Allowed" });
      if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: "Invalid credentials in Authorization header" });
      requests.push({ path: req.url ?? "", bytes: body.length, contentType: req.headers["content-type"] ?? "" });
      const failure = failures.shift();
      if (failure?.kind === "rate-limit")
        return send(res, 429, { error: "Rate limit reached. Please log in or use a HF access token" }, { "retry-after": String(failure.retryAfterSec) });
      if (failure?.kind === "loading") return send(res, 503, { error: "Model openai/whisper is currently loading", estimated_time: failure.estimatedTimeSec });
      if (failure?.kind === "server-error") return send(res, failure.status ?? 500, { error: "Internal Server Error" });
      if (failure?.kind === "unauthorized") return send(res, 403, { error: "You don't have access to this model" });
      if (failure?.kind === "slow") await sleep(failure.delayMs);
      if (failure?.kind === "malformed") {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end('{"text": "half an ans');
      }
      if (body.length === 0) return send(res, 400, { error: "Malformed soundfile" });
      const text = opts.transcript ?? "hello from the fake hugging face server";
      const words = text.split(/\s+/).filter(Boolean);
      const step = wavDuration(body) / Math.max(1, words.length);
      const chunks = words.map((w, i) => ({ text: ` ${w}`, timestamp: [+(i * step).toFixed(2), +((i + 0.8) * step).toFixed(2)] }));
      send(res, 200, opts.chunks === false ? { text: ` ${text}` } : { text: ` ${text}`, chunks });
    } catch (err) {
      if (!res.headersSent) send(res, 500, { error: String(err) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    modelUrl: (model) => `http://127.0.0.1:${port}/models/${model}`,
    token,
    requests,
    fail: (...f) => void failures.push(...f),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
