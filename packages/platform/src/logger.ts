import { pino, type Logger } from "pino";
import { prettyFactory } from "pino-pretty";
import { logMixin } from "./telemetry.ts";

export type { Logger };

export type LoggerOptions = {
  level?: string;
  /** Short coloured lines instead of JSON. Unset: pretty when stdout is a terminal (`npm start` in a shell), JSON lines otherwise (containers, pipes, log shippers). */
  pretty?: boolean | undefined;
  /** Where lines go; stdout unless given (tests). */
  destination?: NodeJS.WritableStream & { isTTY?: boolean };
};

export function createLogger(service: string, opts: LoggerOptions = {}): Logger {
  const destination = opts.destination ?? process.stdout;
  const pretty = opts.pretty ?? destination.isTTY === true;
  const options = {
    name: service,
    level: opts.level ?? "info",
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: logMixin, // trace_id, span_id, job_id of the work being logged
  };
  if (!pretty) return opts.destination ? pino(options, opts.destination) : pino(options);
  // Formatted in-process as each line is written (no transport worker thread), so a fatal line
  // written just before process.exit is not lost. One short line per record.
  const format = prettyFactory({
    colorize: destination.isTTY === true,
    translateTime: "SYS:HH:MM:ss",
    ignore: "pid,hostname,name,service",
    hideObject: true,
    messageFormat: (log, messageKey) => prettyLine(log, messageKey),
  });
  return pino(options, { write: (line: string) => void destination.write(format(line)) });
}

// Fields a terminal reader does not need on every line (JSON output keeps them all).
const QUIET = new Set(["level", "time", "pid", "hostname", "name", "service", "err", "trace_id", "span_id"]);
const FIELD_MAX = 40;
const FIELDS_MAX = 100;

/** `[service] message key=value ...`, long values and field lists cut short; an error's stack below. */
export function prettyLine(log: Record<string, unknown>, messageKey: string): string {
  const fields: string[] = [];
  for (const [k, v] of Object.entries(log)) {
    if (QUIET.has(k) || k === messageKey || v === undefined) continue;
    const text = typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
    fields.push(`${k}=${text.length > FIELD_MAX ? `${text.slice(0, FIELD_MAX - 1)}…` : text}`);
  }
  let rest = fields.join(" ");
  if (rest.length > FIELDS_MAX) rest = `${rest.slice(0, FIELDS_MAX - 1)}…`;
  const err = log.err as { type?: string; message?: string; stack?: string } | undefined;
  const line = [`[${String(log.service)}]`, String(log[messageKey] ?? ""), rest].filter(Boolean).join(" ");
  return err ? `${line}\n${err.stack ?? `${err.type ?? "Error"}: ${err.message ?? ""}`}` : line;
}
