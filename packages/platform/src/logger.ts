import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(service: string, opts: { level?: string; pretty?: boolean } = {}): Logger {
  return pino({
    name: service,
    level: opts.level ?? "info",
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(opts.pretty ? { transport: { target: "pino-pretty", options: { colorize: true } } } : {}),
  });
}
