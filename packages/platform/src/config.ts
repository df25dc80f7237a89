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
  /** NATS servers, comma separated. */
  NATS_URL: z.string().min(1).default("nats://127.0.0.1:4222"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Pretty, human-readable logs instead of JSON lines. */
  LOG_PRETTY: bool.default(false),
  /** Seconds a stopping service waits for in-flight work before handing it back to NATS. */
  SHUTDOWN_GRACE_SEC: z.coerce.number().positive().default(20),
} as const;

export const envBool = bool;
