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
  // written just before process.exit is not lost. One line per record: time, level, [service],
  // message, then its fields.
  const format = prettyFactory({
    colorize: destination.isTTY === true,
    singleLine: true,
    translateTime: "SYS:HH:MM:ss",
    ignore: "pid,hostname,name,service",
    messageFormat: "[{service}] {msg}",
  });
  return pino(options, { write: (line: string) => void destination.write(format(line)) });
}
