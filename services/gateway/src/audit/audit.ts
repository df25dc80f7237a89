import type { FastifyBaseLogger, FastifyRequest } from "fastify";

export type AuditEntry = {
  action: string;
  result: "ok" | "fail" | "denied";
  userId?: string | null | undefined;
  target?: string | null | undefined;
  /** Why, for failures: a stable code, never a secret. */
  reason?: string | undefined;
};

/**
 * One structured line per security-relevant action: `{audit: true, userId, action, target,
 * result, ip}`, at info level (keep LOG_LEVEL at info or below to keep them). Never carries a password or token.
 */
export function audit(req: FastifyRequest, e: AuditEntry, log: FastifyBaseLogger = req.log): void {
  log.info(
    {
      audit: true,
      action: e.action,
      result: e.result,
      userId: e.userId ?? req.user?.sub ?? null,
      target: e.target ?? null,
      ip: req.ip,
      ...(e.reason ? { reason: e.reason } : {}),
    },
    `audit ${e.action} ${e.result}`,
  );
}
