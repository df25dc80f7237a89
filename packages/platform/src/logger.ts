import { pino, type Logger } from "pino";
import { logMixin } from "./telemetry.ts";

export type { Logger };

export function createLogger(service: string, opts: { level?: string; pretty?: boolean } = {}): Logger {
  return pino({
    name: service,
    level: opts.level ?? "info",
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: logMixin, // trace_id, span_id, job_id of the work being logged
    ...(opts.pretty ? { transport: { target: "pino-pretty", options: { colorize: true } } } : {}),
  });
}
