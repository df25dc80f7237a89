import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";
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

export function createLogger(service: string, opts: { level?: string; pretty?: boolean; destination?: DestinationStream } = {}): Logger {
  const options: LoggerOptions = {
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
    ...(opts.pretty ? { transport: { target: "pino-pretty", options: { colorize: true } } } : {}),
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
