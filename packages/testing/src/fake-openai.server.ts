import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for OpenAI's audio transcription endpoint, speaking its wire protocol:
 * multipart `POST /v1/audio/transcriptions` with a bearer key, the real response shapes for
 * `json`, `verbose_json` (words and segments) and `diarized_json`, and the real error body
 * `{error: {message, type, param, code}}`. Tests script failures to exercise retries.
 */
export type FakeOpenAiFailure =
  | { kind: "rate-limit"; retryAfterSec: number }
  | { kind: "server-error"; status?: number }
  | { kind: "malformed" }
  | { kind: "slow"; delayMs: number }
  | { kind: "unauthorized" };

export type FakeOpenAiOptions = {
  /** Bearer key the server accepts; any other gets 401 invalid_api_key. */
  apiKey?: string;
  /** Fixed delay before every answer (a benchmark's model of provider latency). */
  latencyMs?: number;
  /**
   * Extra delay per second of uploaded audio (e.g. 0.1: ten times faster than real time), so the
   * engine costs what a real one does in proportion to the chunk; requests run concurrently.
   */
  latencyPerAudioSec?: number;
  /** Called as each well-formed request arrives (a benchmark times dispatches with it). */
  onRequest?: (r: FakeRequest) => void;
  /** What the audio "says": the words returned, spread over the uploaded WAV's duration. */
  transcript?: string;
  /** Diarized answers alternate speakers A, B, ... every this many words. */
  wordsPerSpeaker?: number;
  /** Answers for the next requests, in order; once used up, requests succeed. */
  failures?: FakeOpenAiFailure[];
  /** Largest accepted upload; OpenAI's limit is 25 MB. */
  maxBytes?: number;
};

export type FakeRequest = {
  model: string;
  responseFormat: string;
  language?: string;
  granularities: string[];
  fileBytes: number;
  fileName: string;
  /** The request's Content-Length header; absent for a body sent chunked. */
  contentLength?: number;
  /** OpenAI's account headers (`OpenAI-Organization`, `OpenAI-Project`), when sent. */
  organization?: string;
  project?: string;
};

export type FakeOpenAiServer = {
  /** The SDK's baseURL: `http://127.0.0.1:<port>/v1`. */
  baseURL: string;
  apiKey: string;
  requests: FakeRequest[];
  /** Appends scripted failures for the next requests. */
  fail(...failures: FakeOpenAiFailure[]): void;
  close(): Promise<void>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sendError(res: ServerResponse, status: number, message: string, type: string, code: string | null, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ error: { message, type, param: null, code } }));
}

/** Splits a multipart/form-data body into named fields (text) and the file part (bytes). */
export function parseMultipart(body: Buffer, contentType: string): { fields: Record<string, string[]>; file?: { name: string; bytes: Buffer } } {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) throw new Error("no multipart boundary");
  const delim = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const fields: Record<string, string[]> = {};
  let file: { name: string; bytes: Buffer } | undefined;
  let at = body.indexOf(delim);
  while (at >= 0) {
    const next = body.indexOf(delim, at + delim.length);
    if (next < 0) break;
    const part = body.subarray(at + delim.length + 2, next - 2); // skip CRLF after delimiter and before the next
    const headEnd = part.indexOf("\r\n\r\n");
    const head = part.subarray(0, headEnd).toString();
    const content = part.subarray(headEnd + 4);
    const name = /name="([^"]*)"/.exec(head)?.[1] ?? "";
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    if (filename !== undefined) file = { name: filename, bytes: Buffer.from(content) };
    else (fields[name] ??= []).push(content.toString());
    at = next;
  }
  return { fields, ...(file ? { file } : {}) };
}

/** Duration of a canonical PCM WAV from its header; 0 when it is not one. */
function wavDuration(bytes: Buffer): number {
  if (bytes.length < 44 || bytes.toString("ascii", 0, 4) !== "RIFF") return 0;
  const byteRate = bytes.readUInt32LE(28);
  return byteRate > 0 ? (bytes.length - 44) / byteRate : 0;
}

function timedWords(text: string, duration: number) {
  const words = text.split(/\s+/).filter(Boolean);
  const step = duration / Math.max(1, words.length);
  return words.map((word, i) => ({ word, start: +(i * step).toFixed(2), end: +((i + 0.8) * step).toFixed(2) }));
}

function answer(req: FakeRequest, text: string, duration: number, wordsPerSpeaker: number): unknown {
  const words = timedWords(text, duration);
  if (req.responseFormat === "verbose_json") {
    const segment = {
      id: 0,
      seek: 0,
      start: 0,
      end: +duration.toFixed(2),
      text: ` ${text}`,
      tokens: [50364, 440],
      temperature: 0,
      avg_logprob: -0.21,
      compression_ratio: 1.3,
      no_speech_prob: 0.01,
    };
    return {
      task: "transcribe",
      language: "english",
      duration,
      text,
      ...(req.granularities.includes("word") ? { words } : {}),
      ...(req.granularities.includes("segment") || req.granularities.length === 0 ? { segments: [segment] } : {}),
      usage: { type: "duration", seconds: Math.ceil(duration) },
    };
  }
  if (req.responseFormat === "diarized_json") {
    const segments = [];
    for (let i = 0; i < words.length; i += wordsPerSpeaker) {
      const group = words.slice(i, i + wordsPerSpeaker);
      segments.push({
        type: "transcript.text.segment",
        id: `seg_${segments.length}`,
        start: group[0]!.start,
        end: group.at(-1)!.end,
        text: group.map((w) => w.word).join(" "),
        speaker: String.fromCharCode(65 + (segments.length % 2)),
      });
    }
    return { task: "transcribe", duration, text, segments, usage: { type: "duration", seconds: Math.ceil(duration) } };
  }
  return { text, usage: { type: "tokens", input_tokens: 12, output_tokens: 5, total_tokens: 17, input_token_details: { audio_tokens: 12, text_tokens: 0 } } };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

export async function startFakeOpenAi(opts: FakeOpenAiOptions = {}): Promise<FakeOpenAiServer> {
  const apiKey = opts.apiKey ?? "sk-test-fake";
  const failures = [...(opts.failures ?? [])];
  const requests: FakeRequest[] = [];
  const maxBytes = opts.maxBytes ?? 25 * 1024 * 1024;
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== "POST" || req.url !== "/v1/audio/transcriptions") {
        return sendError(res, 404, `Invalid URL (${req.method} ${req.url})`, "invalid_request_error", null);
      }
      const body = await readBody(req);
      if (opts.latencyMs) await sleep(opts.latencyMs);
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        return sendError(
          res,
          401,
          "Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.",
          "invalid_request_error",
          "invalid_api_key",
        );
      }
      const { fields, file } = parseMultipart(body, req.headers["content-type"] ?? "");
      if (!file || !fields.model?.[0]) return sendError(res, 400, "Missing required parameter: 'file'.", "invalid_request_error", null);
      if (file.bytes.length > maxBytes) {
        return sendError(res, 413, `Maximum content size limit (${maxBytes}) exceeded (${file.bytes.length} bytes read)`, "server_error", null);
      }
      const r: FakeRequest = {
        model: fields.model[0],
        responseFormat: fields.response_format?.[0] ?? "json",
        granularities: fields["timestamp_granularities[]"] ?? [],
        fileBytes: file.bytes.length,
        fileName: file.name,
        ...(fields.language?.[0] ? { language: fields.language[0] } : {}),
        ...(req.headers["content-length"] ? { contentLength: Number(req.headers["content-length"]) } : {}),
        ...(typeof req.headers["openai-organization"] === "string" ? { organization: req.headers["openai-organization"] } : {}),
        ...(typeof req.headers["openai-project"] === "string" ? { project: req.headers["openai-project"] } : {}),
      };
      requests.push(r);
      opts.onRequest?.(r);
      if (opts.latencyPerAudioSec) await sleep(wavDuration(file.bytes) * opts.latencyPerAudioSec * 1000);
      const failure = failures.shift();
      if (failure?.kind === "rate-limit") {
        return sendError(res, 429, "Rate limit reached for requests. Please try again shortly.", "requests", "rate_limit_exceeded", {
          "retry-after": String(failure.retryAfterSec),
        });
      }
      if (failure?.kind === "server-error")
        return sendError(res, failure.status ?? 500, "The server had an error while processing your request. Sorry about that!", "server_error", null);
      if (failure?.kind === "unauthorized") return sendError(res, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
      if (failure?.kind === "slow") await sleep(failure.delayMs);
      if (failure?.kind === "malformed") {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end('{"text": "the quick brown", "words": [{"word": "the", "sta');
      }
      if (r.model.includes("diarize") && r.responseFormat === "verbose_json") {
        return sendError(
          res,
          400,
          "response_format 'verbose_json' is not compatible with model 'gpt-4o-transcribe-diarize'.",
          "invalid_request_error",
          "unsupported_value",
        );
      }
      const text = opts.transcript ?? "hello from the fake transcription server";
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(answer(r, text, wavDuration(file.bytes), opts.wordsPerSpeaker ?? 3)));
    } catch (err) {
      if (!res.headersSent) sendError(res, 500, String(err), "server_error", null);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    fail: (...f) => void failures.push(...f),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
