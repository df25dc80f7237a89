import { baseEnv, envBool, PROFILE_NAMES } from "@mp4t/runtime";
import { storesEnv } from "@mp4t/stores";
import { webhooksEnv } from "@mp4t/webhooks";
import { z } from "zod";
import { gatewaySecurityProblems, isProduction } from "./security/security-problems.ts";
import { weakSecretProblem } from "./security/secret-strength.ts";

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const sec = (min: number, max: number) => z.coerce.number().min(min).max(max);

export const REGISTRATION_MODES = ["open", "invite", "closed"] as const;

/** Every security limit of the HTTP API; each has a default an operator may tighten or relax. */
const limitsEnv = {
  /** Lifetime of an access token, in seconds (default 15 minutes). */
  JWT_TTL_SEC: int(60, 86_400).default(900),
  /** Lifetime of a refresh token (a session), in seconds (default 30 days). Each refresh rotates it. */
  REFRESH_TTL_SEC: int(300, 365 * 86_400).default(30 * 86_400),
  /**
   * How long an authenticated request may trust a cached read of its user (role, disabled,
   * sessions), in milliseconds. Logout, password change, role change, disabling and deletion take
   * effect on every replica within this bound. 0: read the store on every request.
   */
  AUTH_CACHE_MS: int(0, 10_000).default(2000),
  /**
   * scrypt cost of new password hashes, as log2(N) with r=8, p=1: 17 is OWASP's current advice
   * (128 MiB and about half a second per hash); production refuses less. Older, cheaper hashes
   * are replaced at the next login.
   */
  PASSWORD_HASH_COST: int(14, 18).default(17),
  /** Seconds an invite code made by POST /v1/admin/invites stays valid (default 7 days). */
  INVITE_TTL_SEC: int(60, 90 * 86_400).default(7 * 86_400),
  /** Requests per minute one client address may make to the whole API. */
  RATE_LIMIT_PER_MIN: int(1, 10_000_000).default(1200),
  /** Login, registration and refresh attempts one client address may make per RATE_LIMIT_AUTH_WINDOW_SEC. */
  RATE_LIMIT_AUTH_PER_IP: int(1, 1_000_000).default(20),
  /** Login and registration attempts per account (email) per window, from any address. */
  RATE_LIMIT_AUTH_PER_ACCOUNT: int(1, 1_000_000).default(10),
  RATE_LIMIT_AUTH_WINDOW_SEC: int(1, 86_400).default(60),
  /** Event streams (SSE) one user may have open at once, per gateway replica. */
  MAX_STREAMS_PER_USER: int(1, 100_000).default(20),
  /** Queued or processing jobs one user may have; an upload past it is refused. */
  MAX_ACTIVE_JOBS_PER_USER: int(1, 1_000_000).default(50),
  /** Bytes of uploaded media one user may keep stored (until retention removes it); 0: no quota. */
  STORAGE_QUOTA_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(20 * GIB),
  /** Largest JSON request body, in bytes. */
  JSON_BODY_LIMIT_BYTES: int(1024, 64 * MIB).default(MIB),
  /** Longest any request may take to arrive, largest uploads included (Node's requestTimeout). */
  HTTP_REQUEST_TIMEOUT_SEC: sec(1, 86_400).default(3600),
  /** Longest a non-upload request body may take to arrive; a body that stalls is cut off. */
  HTTP_BODY_TIMEOUT_SEC: sec(0.1, 3600).default(15),
  /** A connection that moves no byte either way for this long is closed (SSE heartbeats keep streams alive). */
  HTTP_IDLE_TIMEOUT_SEC: sec(1, 3600).default(60),
  /** How long an idle keep-alive connection stays open between requests. */
  HTTP_KEEPALIVE_TIMEOUT_SEC: sec(1, 600).default(5),
  /** Slowest accepted upload: an upload averaging fewer bytes per second over the window is cut off. */
  UPLOAD_MIN_BYTES_PER_SEC: int(0, 1_000_000_000).default(4096),
  UPLOAD_RATE_WINDOW_SEC: sec(1, 3600).default(30),
  /** Unfinished resumable (tus) uploads one user may have at once. */
  MAX_UPLOADS_PER_USER: int(1, 10_000).default(10),
  /** A resumable upload not finished this many seconds after it was created is deleted (default 24 hours). */
  UPLOAD_EXPIRY_SEC: int(60, 30 * 86_400).default(86_400),
  /** Bytes all unfinished resumable uploads may reserve together in the scratch area (default 20 GiB). */
  UPLOAD_SCRATCH_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(20 * GIB),
  /**
   * Uploads are refused (503 STORAGE_FULL) while they would leave less than this free on the
   * blob directory's disk (BLOB_STORE=file) or the scratch area's: room for the jobs already
   * taken to finish. 0: no check (the writes still fail cleanly on a full disk).
   */
  UPLOAD_MIN_FREE_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(256 * MIB),
} as const;

export const configSchema = z
  .object({
    ...baseEnv,
    ...storesEnv,
    ...webhooksEnv,
    ...limitsEnv,
    /** The worker profile (MP4T_PROFILE); `production` makes the gateway as strict as NODE_ENV=production. */
    MP4T_PROFILE: z.enum(PROFILE_NAMES).optional(),
    /** HTTP port of the public API. */
    PORT: int(0, 65_535).default(8080),
    /** Interface to listen on. */
    HOST: z.string().min(1).default("0.0.0.0"),
    /**
     * HMAC key that signs tokens. Required in every profile (`npm start` generates one into
     * DATA_DIR); well-known, short, repetitive or low-entropy keys are refused everywhere.
     */
    JWT_SECRET: z.string({ error: "JWT_SECRET is required: set a random key of 32+ characters (e.g. openssl rand -base64 48)" }).min(1),
    /** When both are set, an admin account with these credentials is created at start (once). */
    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().min(12).max(1024).optional(),
    /** open: anyone registers; invite: an admin's invite code is needed; closed: nobody. Default: open in development, invite in production. */
    REGISTRATION: z.enum(REGISTRATION_MODES).optional(),
    /** Production refuses REGISTRATION=open unless this says it is meant. */
    REGISTRATION_OPEN_CONFIRMED: envBool.default(false),
    /** Bearer token for GET /metrics on the API port; unset: /metrics is not served there (use METRICS_PORT). */
    METRICS_TOKEN: z.string().min(1).optional(),
    /** Origins allowed to call the API from a browser, comma separated; empty: no CORS (same origin only). */
    CORS_ORIGINS: z
      .string()
      .default("")
      .transform((s) =>
        s
          .split(",")
          .map((o) => o.trim())
          .filter(Boolean),
      ),
    /** Trust X-Forwarded-For from this many proxy hops (for per-address limits behind a load balancer); 0: none. */
    TRUST_PROXY_HOPS: int(0, 10).default(0),
    /** Largest accepted upload, in bytes (default 2 GiB); enforced while the file streams in. */
    MAX_UPLOAD_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(2 * GIB),
    /** Seconds between keep-alive comments on an idle event stream. */
    SSE_HEARTBEAT_SEC: z.coerce.number().positive().max(300).default(15),
    /** Where local state lives (`npm start` sets it); the embedded search index defaults to a file under it. */
    DATA_DIR: z.string().min(1).default("data"),
    /**
     * Search index: `embedded` (SQLite FTS5 file on this host, shared by the gateways on it) or
     * `mongodb` (collections in the job store's MongoDB, shared by every gateway). Default:
     * `mongodb` when JOB_STORE=mongodb, else `embedded`.
     */
    SEARCH_INDEX: z.enum(["embedded", "mongodb"]).optional(),
    /** Where unfinished resumable uploads are kept; default DATA_DIR/uploads. */
    UPLOAD_SCRATCH_DIR: z.string().min(1).optional(),
    /** The embedded index's SQLite file; default DATA_DIR/search/index.db. */
    SEARCH_DB_PATH: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    const weak = weakSecretProblem(c.JWT_SECRET);
    if (weak) ctx.addIssue({ code: "custom", path: ["JWT_SECRET"], message: `JWT_SECRET ${weak}; set a random key (e.g. openssl rand -base64 48)` });
    if (c.SSE_HEARTBEAT_SEC >= c.HTTP_IDLE_TIMEOUT_SEC) {
      ctx.addIssue({ code: "custom", path: ["SSE_HEARTBEAT_SEC"], message: "must be below HTTP_IDLE_TIMEOUT_SEC, or idle event streams are cut off" });
    }
    if (c.SEARCH_INDEX === "mongodb" && c.JOB_STORE !== "mongodb") {
      ctx.addIssue({ code: "custom", path: ["SEARCH_INDEX"], message: "the mongodb search index lives in the job store's MongoDB: set JOB_STORE=mongodb" });
    }
    if ((c.ADMIN_EMAIL === undefined) !== (c.ADMIN_PASSWORD === undefined)) {
      ctx.addIssue({ code: "custom", path: ["ADMIN_PASSWORD"], message: "set ADMIN_EMAIL and ADMIN_PASSWORD together, or neither" });
    }
    // Production refuses to start with any unsafe setting, each named (the doctor lists the same).
    if (isProduction(c)) {
      for (const p of gatewaySecurityProblems(c)) {
        const [setting, message] = [p.slice(0, p.indexOf(":")), p.slice(p.indexOf(":") + 2)];
        if (setting !== "JWT_SECRET") ctx.addIssue({ code: "custom", path: [setting], message: `${setting} ${message}` });
      }
    }
  });

export type GatewayConfig = z.infer<typeof configSchema>;

export { registrationMode } from "./security/security-problems.ts";
