import { ConfigError, type Lane } from "@mp4t/contracts";
import { z } from "zod";
import { PROFILE_NAMES, ProfileError, resolveProfile, selectProfile, type ProfileName, type ResolvedLane } from "./profiles.ts";

export { ConfigError }; // declared in contracts: the stores factory throws it too

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
  /** Deployment profile; unset: NODE_ENV's. `production` refuses unsafe settings (e.g. NATS without auth or TLS). */
  MP4T_PROFILE: z.enum(PROFILE_NAMES).optional(),
  /** NATS servers, comma separated. The default is the embedded server `npm start` runs. */
  NATS_URL: z.string().min(1).default("nats://127.0.0.1:14222"),
  /**
   * This service's NATS user (default: the service's name; see nats-permissions.ts for what each
   * may do) and its password. `npm start` generates both under DATA_DIR; production requires them.
   */
  NATS_USER: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ and - only")
    .optional(),
  NATS_PASSWORD: z.string().min(1).optional(),
  /** CA that signed the NATS server's certificate; set: TLS required (as with a `tls://` NATS_URL). */
  NATS_TLS_CA_FILE: z.string().min(1).optional(),
  /** Client certificate and key, for servers that verify clients. */
  NATS_TLS_CERT_FILE: z.string().min(1).optional(),
  NATS_TLS_KEY_FILE: z.string().min(1).optional(),
  /**
   * Copies JetStream keeps of every stream, durable consumer and KV / Object Store bucket: 1 on a
   * single server, 3 on a three-node cluster (survives the loss of any one node). At most the
   * cluster's size; raising it later scales existing streams up at the next start.
   */
  JETSTREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Pretty, human-readable log lines (true) or JSON lines (false). Unset: pretty when stdout is a terminal. */
  LOG_PRETTY: bool.optional(),
  /** Seconds a stopping service waits for in-flight work before handing it back to NATS. */
  SHUTDOWN_GRACE_SEC: z.coerce.number().positive().default(20),
  /** OTLP/HTTP endpoint traces go to (Jaeger: http://host:4318). Unset or empty: tracing off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess((v) => (v === "" ? undefined : v), z.url().optional()),
  /** Fraction of new traces kept (0..1); work arriving with a sampled trace stays sampled. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  /** Port of this process's Prometheus listener (GET /metrics). Unset: none; 0: any free port (see /v1/admin/services). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /** Interface the metrics listener binds. */
  METRICS_HOST: z.string().min(1).default("0.0.0.0"),
} as const;

export const envBool = bool;

const optInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();

/** What a value sent as a header as it is (a key, an account id) may hold: printable ASCII, no spaces. */
export const HEADER_VALUE = /^[\x21-\x7e]+$/;

/** A setting sent as a header (a pasted line break is a setting to fix, said at start). */
const headerValue = (name: string) => z.string().regex(HEADER_VALUE, `${name} holds characters a header cannot carry (spaces, line breaks, non-ASCII)`);

/**
 * Credentials of the paid providers, shared by every service that calls them (the transcriber's
 * engines, the enhancer's chat models), so one deployment setting serves both.
 */
export const providerEnv = {
  /** OpenAI-compatible local servers often take any non-empty key. */
  OPENAI_API_KEY: z.string().min(1).optional(),
  /** Any OpenAI-compatible server (`http://host:8000/v1`); api.openai.com when unset. */
  OPENAI_BASE_URL: z.url().optional(),
  /**
   * The OpenAI organization and project a call counts against, for a key that belongs to several
   * (sent as `OpenAI-Organization` and `OpenAI-Project`, the headers OpenAI's SDK sends from the
   * same variables); unset, the key's default.
   */
  OPENAI_ORG_ID: headerValue("OPENAI_ORG_ID").optional(),
  OPENAI_PROJECT_ID: headerValue("OPENAI_PROJECT_ID").optional(),
  HF_TOKEN: z.string().min(1).optional(),
} as const;

/**
 * Worker settings shared by every worker service. The profile (MP4T_PROFILE, else NODE_ENV) sets
 * each lane's values (see profiles.ts); any variable set here overrides the profile.
 */
export const workerEnv = {
  MP4T_PROFILE: z.enum(PROFILE_NAMES).optional(),
  /** Messages one replica works on at once; set alone, it pins the replica (no autoscaling). */
  WORKER_CONCURRENCY: optInt(1, 64),
  /** Autoscaling bounds for a replica's concurrency. */
  WORKER_AUTOSCALE_MIN: optInt(1, 64),
  WORKER_AUTOSCALE_MAX: optInt(1, 64),
  /** Prefetch multiplier: the consumer allows prefetch x max concurrency x replicas unacked. */
  WORKER_PREFETCH: optInt(1, 64),
  /** Explicit max ack pending per consumer, instead of the one derived from the prefetch. */
  WORKER_MAX_ACK_PENDING: optInt(1, 1_000_000),
  /** Replicas of this service in the deployment (sizes the consumer's max ack pending). */
  WORKER_REPLICAS: optInt(1, 1000),
  /** Seconds before an un-acked message is redelivered; heartbeats extend it while work runs. */
  ACK_WAIT_SEC: optInt(5, 3600),
  /** Deliveries before a failing message is dead-lettered and its job failed. */
  MAX_DELIVER: optInt(1, 100),
  RETRY_BACKOFF_BASE_MS: optInt(10, 3_600_000),
  RETRY_BACKOFF_MAX_MS: optInt(10, 3_600_000),
  /** Drain and restart (via the supervisor) after this many jobs; 0 never. */
  WORKER_RECYCLE_JOBS: optInt(0, 10_000_000),
  /** Drain and restart above this resident memory in MB; 0 never. */
  WORKER_RECYCLE_RSS_MB: optInt(0, 1_000_000),
  /** Every Nth dispatch serves batch work while interactive work waits (starvation guard). */
  WORKER_BATCH_EVERY: optInt(2, 1000),
  /** Milliseconds between reads of the lane's backlog. */
  LANE_POLL_MS: optInt(50, 10_000),
  /** Hard limit for one attempt of a stage. */
  STAGE_DEADLINE_SEC: z.coerce.number().int().min(1).default(1800),
} as const;

export type WorkerEnvConfig = { NODE_ENV?: string; STAGE_DEADLINE_SEC: number; JETSTREAM_REPLICAS?: number } & {
  [K in Exclude<keyof typeof workerEnv, "STAGE_DEADLINE_SEC" | "MP4T_PROFILE">]?: number | undefined;
} & { MP4T_PROFILE?: ProfileName | undefined };

/** Per-lane worker settings for the selected profile, overrides applied; production refuses bad ones. */
export type RuntimeSettings = {
  profile: ProfileName;
  lanes: Record<Lane, ResolvedLane>;
  deadlineMs: number;
  warnings: string[];
  /** `JETSTREAM_REPLICAS`: the replicas `ensureTopology` gives every stream at start. */
  streamReplicas: number;
};

export function workerSettings(c: WorkerEnvConfig): RuntimeSettings {
  const name = selectProfile(c);
  try {
    const p = resolveProfile(name, {
      concurrency: c.WORKER_CONCURRENCY,
      min: c.WORKER_AUTOSCALE_MIN,
      max: c.WORKER_AUTOSCALE_MAX,
      prefetch: c.WORKER_PREFETCH,
      maxAckPending: c.WORKER_MAX_ACK_PENDING,
      replicas: c.WORKER_REPLICAS,
      ackWaitSec: c.ACK_WAIT_SEC,
      maxDeliver: c.MAX_DELIVER,
      backoffBaseMs: c.RETRY_BACKOFF_BASE_MS,
      backoffMaxMs: c.RETRY_BACKOFF_MAX_MS,
      recycleJobs: c.WORKER_RECYCLE_JOBS,
      recycleRssMb: c.WORKER_RECYCLE_RSS_MB,
      batchEvery: c.WORKER_BATCH_EVERY,
      pollMs: c.LANE_POLL_MS,
    });
    return { profile: name, lanes: p.lanes, deadlineMs: c.STAGE_DEADLINE_SEC * 1000, warnings: p.problems, streamReplicas: c.JETSTREAM_REPLICAS ?? 1 };
  } catch (err) {
    if (err instanceof ProfileError) throw new ConfigError(`workers (${name} profile)`, err.issues);
    throw err;
  }
}
