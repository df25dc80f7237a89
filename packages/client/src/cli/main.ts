// mp4t: the MP4toText command line. Runs on Node 24 as TypeScript (type stripping); see README "Integrating".
import { parseArgs } from "node:util";
import type { JobOptionsInput } from "../index.ts";
import { download, listJobs, pickFormat, showJob, transcribe, type Io } from "./commands.ts";
import { DEFAULT_URL, readStored, configPath, resolveCredentials } from "./config.ts";
import { CliError, describeFailure, EXIT } from "./exit.ts";
import { login, logout } from "./login.ts";
import { createProgress } from "./progress.ts";

const USAGE = `Usage: mp4t <command> [options]

  transcribe <file>         upload, follow progress, then write the transcript
      -f, --format <fmt>    json | txt | srt | vtt | md (default: the -o extension, else txt)
      -o, --output <file>   write there instead of stdout
      --no-wait             print the job id once uploaded and exit
      --options '<json>'    job options as JSON, e.g. '{"language":"en","enhance":["summary"]}'
      -l, --language <code> --diarize / --no-diarize  --speakers <n>  --enhance <kind> (repeatable)
      --timeout <sec>       give up waiting after this long (default 21600)
  jobs [--status <s>] [--limit <n>] [--json]     your jobs, newest first
  status <id>                                   one job as JSON
  download <id> [-f <fmt>] [-o <file>]           the transcript of a completed job
  login --email <email> [--password-stdin]      sign in and store the session
  login --api-key <mp4t_...|->                  store an API key
  logout                                        forget the stored credentials

Options for every command: --url <base URL> (or MP4T_URL; default ${DEFAULT_URL}), -q/--quiet.
Credentials: MP4T_API_KEY, else what mp4t login stored (${configPath()}).
Exit codes: 0 ok, 1 API error, 2 usage, 3 job failed or canceled, 4 not signed in / refused, 5 unreachable or timed out.`;

const OPTIONS = {
  url: { type: "string" },
  format: { type: "string", short: "f" },
  output: { type: "string", short: "o" },
  wait: { type: "boolean", default: true },
  options: { type: "string" },
  language: { type: "string", short: "l" },
  diarize: { type: "boolean" },
  speakers: { type: "string" },
  enhance: { type: "string", multiple: true },
  timeout: { type: "string" },
  status: { type: "string" },
  limit: { type: "string" },
  json: { type: "boolean" },
  email: { type: "string" },
  "password-stdin": { type: "boolean" },
  "api-key": { type: "string" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; allowNegative: true }>>["values"];

const positiveInt = (name: string, v: string | undefined, fallback: number) => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(EXIT.usage, `--${name} must be a positive integer`);
  return n;
};

/** --options JSON, with the single-option flags on top. */
function jobOptions(v: Values): JobOptionsInput {
  let options: JobOptionsInput = {};
  if (v.options !== undefined) {
    try {
      options = JSON.parse(v.options) as JobOptionsInput;
    } catch {
      throw new CliError(EXIT.usage, "--options is not valid JSON");
    }
    if (typeof options !== "object" || options === null || Array.isArray(options)) throw new CliError(EXIT.usage, "--options must be a JSON object");
  }
  if (v.language !== undefined) options.language = v.language;
  if (v.diarize !== undefined) options.diarize = v.diarize;
  if (v.speakers !== undefined) options.speakers = positiveInt("speakers", v.speakers, 1);
  if (v.enhance !== undefined) options.enhance = v.enhance;
  return options;
}

async function run(argv: string[], io: Io): Promise<void> {
  const { values: v, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, allowNegative: true });
  const [command, ...rest] = positionals;
  if (v.help || !command) return void io.stdout.write(`${USAGE}\n`);
  const arg = (what: string) => {
    if (rest.length !== 1) throw new CliError(EXIT.usage, `mp4t ${command} needs ${what}`);
    return rest[0]!;
  };
  switch (command) {
    case "transcribe": {
      const file = arg("one file");
      const args = {
        file,
        options: jobOptions(v),
        wait: v.wait,
        format: pickFormat(v.format, v.output, "txt"),
        output: v.output,
        json: v.json === true,
        timeoutMs: positiveInt("timeout", v.timeout, 21_600) * 1000,
      };
      return transcribe(await resolveCredentials(v), io, args);
    }
    case "jobs":
      return listJobs(await resolveCredentials(v), io, { status: v.status, limit: positiveInt("limit", v.limit, 20), json: v.json === true });
    case "status":
      return showJob(await resolveCredentials(v), io, arg("a job id"));
    case "download": {
      const id = arg("a job id");
      return download(await resolveCredentials(v), io, id, pickFormat(v.format, v.output, "txt"), v.output);
    }
    case "login": {
      const url = (v.url ?? process.env.MP4T_URL ?? (await readStored(configPath()))?.url ?? DEFAULT_URL).replace(/\/$/, "");
      return io.progress.note(await login({ url, apiKey: v["api-key"], email: v.email, passwordStdin: v["password-stdin"] === true }));
    }
    case "logout":
      return io.progress.note(await logout());
    default:
      throw new CliError(EXIT.usage, `unknown command ${command}\n\n${USAGE}`);
  }
}

// `mp4t jobs | head`: a reader that stops early is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});
const quiet = process.argv.includes("-q") || process.argv.includes("--quiet");
const io: Io = { stdout: process.stdout, progress: createProgress(process.stderr, { quiet }) };
try {
  await run(process.argv.slice(2), io);
} catch (err) {
  io.progress.done();
  const usage = (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? EXIT.usage : undefined;
  const { message, exitCode } = describeFailure(err);
  process.stderr.write(`mp4t: ${message}\n`);
  process.exitCode = usage ?? exitCode;
}
