import { pino, type Logger, type LoggerOptions as PinoOptions } from "pino";
import { prettyFactory } from "pino-pretty";
import { logMixin } from "./telemetry.ts";

export type { Logger };

/** `nats://user:secret@host` -> `nats://user:***@host`, anywhere in a string (URLs carry credentials). */
export function maskUrlCredentials(s: string): string {
  return s.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s/@]*@/gi, "$1:***@");
}

/** Keys whose values never reach a log line, at any of the first levels of an object. */
const SECRET_KEYS = ["password", "secret", "NATS_PASSWORD", "JWT_SECRET", "ADMIN_PASSWORD", "S3_SECRET_KEY", "OPENAI_API_KEY", "HF_TOKEN"];
const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

/** Masks credentials in the string values of a log object (top level and one level down). */
function maskStrings(obj: Record<string, unknown>, depth = 0): Record<string, unknown> {
  let out = obj;
  for (const [k, v] of Object.entries(obj)) {
    let m: unknown = v;
    if (typeof v === "string" && v.includes("@")) m = maskUrlCredentials(v);
    else if (Array.isArray(v) && depth < 2) m = v.map((x) => (typeof x === "string" ? maskUrlCredentials(x) : x));
    else if (v && typeof v === "object" && !(v instanceof Error) && depth < 1) m = maskStrings(v as Record<string, unknown>, depth + 1);
    if (m !== v) {
      if (out === obj) out = { ...obj };
      out[k] = m;
    }
  }
  return out;
}

/** pino's error serializer, with URL credentials masked in the message and stack. */
function maskedError(e: unknown) {
  const out = pino.stdSerializers.err(e as Error) as unknown as Record<string, unknown>;
  if (!out || typeof out !== "object") return out;
  for (const k of ["message", "stack"]) if (typeof out[k] === "string") out[k] = maskUrlCredentials(out[k] as string);
  return out;
}

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
  const options: PinoOptions = {
    name: service,
    level: opts.level ?? "info",
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: logMixin, // trace_id, span_id, job_id of the work being logged
    redact: { paths: REDACT_PATHS, censor: "***" },
    serializers: { err: maskedError },
    formatters: { log: (obj) => maskStrings(obj) },
    hooks: {
      // The message itself may quote a URL with credentials.
      logMethod(args, method) {
        for (let i = 0; i < args.length; i++) if (typeof args[i] === "string") (args as unknown[])[i] = maskUrlCredentials(args[i] as string);
        return method.apply(this, args);
      },
    },
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
