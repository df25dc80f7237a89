import { baseEnv } from "@mp4t/platform";
import { storesEnv } from "@mp4t/stores";
import { z } from "zod";

/** The development signing key. Production refuses it (and any key shorter than 32 characters). */
export const DEV_JWT_SECRET = "mp4t-development-jwt-secret-do-not-use-in-production";

const GIB = 1024 ** 3;

export const configSchema = z
  .object({
    ...baseEnv,
    ...storesEnv,
    /** HTTP port of the public API. */
    PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
    /** Interface to listen on. */
    HOST: z.string().min(1).default("0.0.0.0"),
    /** HMAC key that signs bearer tokens. Production requires your own, at least 32 characters. */
    JWT_SECRET: z.string().min(1).default(DEV_JWT_SECRET),
    /** Lifetime of a login token, in seconds (default one day). */
    JWT_TTL_SEC: z.coerce.number().int().min(60).max(30 * 86_400).default(86_400),
    /** When both are set, an admin account with these credentials is created at start (once). */
    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().min(8).optional(),
    /** Largest accepted upload, in bytes (default 2 GiB); enforced while the file streams in. */
    MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(2 * GIB),
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
    /** The embedded index's SQLite file; default DATA_DIR/search/index.db. */
    SEARCH_DB_PATH: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === "production" && (c.JWT_SECRET === DEV_JWT_SECRET || c.JWT_SECRET.length < 32)) {
      ctx.addIssue({ code: "custom", path: ["JWT_SECRET"], message: "production needs a secret of your own, at least 32 characters" });
    }
    if (c.SEARCH_INDEX === "mongodb" && c.JOB_STORE !== "mongodb") {
      ctx.addIssue({ code: "custom", path: ["SEARCH_INDEX"], message: "the mongodb search index lives in the job store's MongoDB: set JOB_STORE=mongodb" });
    }
    if ((c.ADMIN_EMAIL === undefined) !== (c.ADMIN_PASSWORD === undefined)) {
      ctx.addIssue({ code: "custom", path: ["ADMIN_PASSWORD"], message: "set ADMIN_EMAIL and ADMIN_PASSWORD together, or neither" });
    }
  });

export type GatewayConfig = z.infer<typeof configSchema>;
