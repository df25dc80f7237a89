import { z } from "zod";

export class ConfigError extends Error {
  readonly issues: string[];
  constructor(service: string, issues: string[]) {
    super(`invalid configuration for ${service}:\n  - ${issues.join("\n  - ")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/**
 * Parses the environment once against a service's schema. Every invalid variable is listed,
 * not just the first, so an operator fixes them in one go. Nothing else reads process.env.
 */
export function loadConfig<S extends z.ZodType>(service: string, schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`);
  throw new ConfigError(service, issues);
}

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** Variables every service shares; services extend this with their own. */
export const baseEnv = {
  NODE_ENV: z.enum(["development", "test", "staging", "production"]).default("development"),
  /** NATS servers, comma separated. The default is the embedded server `npm start` runs. */
  NATS_URL: z.string().min(1).default("nats://127.0.0.1:14222"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Pretty, human-readable logs instead of JSON lines. */
  LOG_PRETTY: bool.default(false),
  /** Seconds a stopping service waits for in-flight work before handing it back to NATS. */
  SHUTDOWN_GRACE_SEC: z.coerce.number().positive().default(20),
} as const;

export const envBool = bool;

/** Worker settings shared by every worker service (profiles refine these per lane later). */
export const workerEnv = {
  /** Messages one replica works on at once. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Seconds before an un-acked message is redelivered; heartbeats extend it while work runs. */
  ACK_WAIT_SEC: z.coerce.number().int().min(5).max(3600).default(30),
  /** Deliveries before a failing message is dead-lettered and its job failed. */
  MAX_DELIVER: z.coerce.number().int().min(1).max(100).default(5),
  /** Hard limit for one attempt of a stage. */
  STAGE_DEADLINE_SEC: z.coerce.number().int().min(1).default(1800),
} as const;

export const workerSettings = (c: { WORKER_CONCURRENCY: number; ACK_WAIT_SEC: number; MAX_DELIVER: number; STAGE_DEADLINE_SEC: number }) => ({
  concurrency: c.WORKER_CONCURRENCY,
  ackWaitMs: c.ACK_WAIT_SEC * 1000,
  maxDeliver: c.MAX_DELIVER,
  deadlineMs: c.STAGE_DEADLINE_SEC * 1000,
});
