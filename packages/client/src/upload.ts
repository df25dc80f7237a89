import { apiErrorOf, unreachable } from "./errors.ts";
import type { Job, JobOptionsInput } from "./types.ts";

export type UploadProgress = { sentBytes: number; totalBytes: number };

export type UploadInput = {
  baseUrl: string;
  token: string;
  /** The media: a Blob or File (in Node, `fs.openAsBlob(path)` streams it from disk). */
  file: Blob;
  fileName: string;
  options?: JobOptionsInput;
  /** Called as the body is handed to the connection (at most every 64 KiB), and once at the end. */
  onProgress?: (p: UploadProgress) => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
};

const quote = (s: string) => s.replace(/["\\\r\n]/g, "_");

/**
 * POST /v1/jobs as a streamed multipart/form-data body (options first, then the file), with
 * progress, and a Content-Length so the server can refuse an oversized file before reading it.
 */
export async function uploadMedia(input: UploadInput): Promise<Job> {
  const boundary = `----mp4t${crypto.randomUUID().replaceAll("-", "")}`;
  const enc = new TextEncoder();
  const options =
    input.options === undefined ? "" : `--${boundary}\r\nContent-Disposition: form-data; name="options"\r\n\r\n${JSON.stringify(input.options)}\r\n`;
  const head = enc.encode(
    `${options}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quote(input.fileName)}"\r\n` +
      `Content-Type: ${input.file.type || "application/octet-stream"}\r\n\r\n`,
  );
  const tail = enc.encode(`\r\n--${boundary}--\r\n`);
  const totalBytes = head.byteLength + input.file.size + tail.byteLength;
  let sentBytes = 0;
  let reported = 0;
  const report = (force = false) => {
    if (force || sentBytes - reported >= 65_536) {
      reported = sentBytes;
      input.onProgress?.({ sentBytes, totalBytes });
    }
  };
  const reader = input.file.stream().getReader();
  let stage: "head" | "file" | "tail" | "done" = "head";
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: Uint8Array | undefined;
      if (stage === "head") [chunk, stage] = [head, "file"];
      else if (stage === "file") {
        const r = await reader.read();
        if (r.done) [chunk, stage] = [tail, "done"];
        else chunk = r.value;
      }
      if (!chunk) return controller.close();
      controller.enqueue(chunk);
      sentBytes += chunk.byteLength;
      report(stage === "done");
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const res = await (input.fetch ?? fetch)(`${input.baseUrl.replace(/\/$/, "")}/v1/jobs`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${input.token}`,
      "content-type": `multipart/form-data; boundary=${boundary}`,
      "content-length": String(totalBytes),
      accept: "application/json",
    },
    body,
    duplex: "half",
    ...(input.signal ? { signal: input.signal } : {}),
  } as RequestInit).catch((err: unknown) => unreachable(input.baseUrl, err));
  if (res.status !== 202) throw await apiErrorOf(res);
  return (await res.json()) as Job;
}
