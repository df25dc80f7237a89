import { openAsBlob } from "node:fs";
import { stat, writeFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { createMp4tClient, followJobEvents, toApiError, uploadMedia, type Job, type JobOptionsInput, type TranscriptFormat } from "../index.ts";
import type { Credentials } from "./config.ts";
import { CliError, EXIT } from "./exit.ts";
import { megabytes, type Progress } from "./progress.ts";

export const FORMATS: readonly TranscriptFormat[] = ["json", "txt", "srt", "vtt", "md"];

export type Io = { stdout: NodeJS.WritableStream; progress: Progress };

/** --format, else the output file's extension, else `fallback`. */
export function pickFormat(format: string | undefined, output: string | undefined, fallback: TranscriptFormat): TranscriptFormat {
  const f = format ?? (output ? extname(output).slice(1).toLowerCase() : "") ?? "";
  if (!f) return fallback;
  if (!FORMATS.includes(f as TranscriptFormat)) {
    if (format === undefined) return fallback;
    throw new CliError(EXIT.usage, `--format ${f}: use one of ${FORMATS.join(", ")}`);
  }
  return f as TranscriptFormat;
}

/** Writes the transcript of a completed job to `output`, or to stdout. */
export async function download(creds: Credentials, io: Io, id: string, format: TranscriptFormat, output: string | undefined): Promise<void> {
  const client = createMp4tClient({ baseUrl: creds.url, token: creds.token });
  const { data, error, response } = await client.GET("/v1/jobs/{id}/transcript", {
    params: { path: { id }, query: { format } },
    parseAs: "text",
  });
  if (data === undefined) throw toApiError(error, response);
  if (output) {
    await writeFile(output, data);
    io.progress.note(`wrote ${output} (${format})`);
  } else io.stdout.write(data.endsWith("\n") ? data : `${data}\n`);
}

export type TranscribeArgs = {
  file: string;
  options: JobOptionsInput;
  wait: boolean;
  format: TranscriptFormat;
  output: string | undefined;
  json: boolean;
  timeoutMs: number;
};

/** Uploads a file with a progress bar, then (unless --no-wait) follows the job live and downloads the transcript. */
export async function transcribe(creds: Credentials, io: Io, args: TranscribeArgs): Promise<void> {
  const info = await stat(args.file).catch((err: NodeJS.ErrnoException) => {
    throw new CliError(EXIT.usage, `cannot read ${args.file}: ${err.code === "ENOENT" ? "no such file" : err.message}`);
  });
  if (!info.isFile()) throw new CliError(EXIT.usage, `${args.file} is not a file`);
  const signal = AbortSignal.timeout(args.timeoutMs);
  const name = basename(args.file);
  const job = await uploadMedia({
    baseUrl: creds.url,
    token: creds.token,
    file: await openAsBlob(args.file),
    fileName: name,
    options: args.options,
    signal,
    onProgress: (p) => io.progress.update(`Uploading ${name}`, p.sentBytes / p.totalBytes, `${megabytes(p.sentBytes)} / ${megabytes(p.totalBytes)}`),
  });
  io.progress.done();
  io.progress.note(`job ${job.id} queued`);
  if (!args.wait) {
    io.stdout.write(args.json ? `${JSON.stringify(job)}\n` : `${job.id}\n`);
    return;
  }
  const ended = await follow(creds, io, job, signal);
  if (ended.status !== "completed") {
    const reason = ended.error ? `${ended.error.code}: ${ended.error.message}` : ended.status;
    throw new CliError(EXIT.jobFailed, `job ${job.id} ${ended.status}: ${reason}`);
  }
  await download(creds, io, job.id, args.format, args.output);
}

/** Live stage progress from the job's event stream; resolves to the job as it ended. */
async function follow(creds: Credentials, io: Io, job: Job, signal: AbortSignal): Promise<Job> {
  for await (const ev of followJobEvents({ baseUrl: creds.url, token: creds.token, jobId: job.id, signal })) {
    const stage = ev.stage ?? ev.status;
    if (ev.type === "stage.done") io.progress.note(`  ${stage} done`);
    else if (ev.type === "completed" || ev.type === "failed" || ev.type === "canceled") io.progress.done();
    else io.progress.update(`Processing (${stage})`, ev.progress);
  }
  const client = createMp4tClient({ baseUrl: creds.url, token: creds.token });
  const { data, error, response } = await client.GET("/v1/jobs/{id}", { params: { path: { id: job.id } }, signal });
  if (!data) throw toApiError(error, response);
  return data;
}

/** One line per job, newest first (or the page as JSON). */
export async function listJobs(creds: Credentials, io: Io, q: { status?: string | undefined; limit: number; json: boolean }): Promise<void> {
  const client = createMp4tClient({ baseUrl: creds.url, token: creds.token });
  const query = { limit: q.limit, ...(q.status ? { status: q.status as Job["status"] } : {}) };
  const { data, error, response } = await client.GET("/v1/jobs", { params: { query } });
  if (!data) throw toApiError(error, response);
  if (q.json) return void io.stdout.write(`${JSON.stringify(data)}\n`);
  for (const j of data.items) {
    io.stdout.write(`${j.id}  ${j.status.padEnd(10)} ${`${Math.round(j.progress * 100)}%`.padStart(4)}  ${j.createdAt}  ${j.fileName}\n`);
  }
}

export async function showJob(creds: Credentials, io: Io, id: string): Promise<void> {
  const client = createMp4tClient({ baseUrl: creds.url, token: creds.token });
  const { data, error, response } = await client.GET("/v1/jobs/{id}", { params: { path: { id } } });
  if (!data) throw toApiError(error, response);
  io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
}
